package dev.mrt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.bundle.ContainerRunner;
import dev.mrt.image.ImageResolver;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

class PlainCliTest {

  @Test
  void versionAndThePlainSubcommandsRunWithoutQuarkus() {
    assertTrue(PlainCli.forArgs("--version").isPresent());
    assertTrue(PlainCli.forArgs("-V").isPresent());
    for (String sub : List.of("run", "spec", "pull", "images", "rmi", "gc")) {
      assertTrue(PlainCli.forArgs(sub, "--help").isPresent(), sub);
    }
  }

  @Test
  void serverCommandsHelpAndMistakesGoToQuarkus() {
    // Help lists every subcommand and a mistake gets picocli's "did you mean": both need all.
    for (String[] args :
        new String[][] {
          {}, {"serve"}, {"doctor"}, {"--help"}, {"-h"}, {"runx"}, {"--config", "f", "serve"}
        }) {
      assertTrue(PlainCli.forArgs(args).isEmpty(), Arrays.toString(args));
    }
  }

  @Test
  void everyCommandClassIsListedOnceByItsName() throws IOException, ClassNotFoundException {
    Set<Class<?>> commands = new HashSet<>();
    Path dir = Path.of("target/classes/dev/mrt/cli");
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        String name = p.getFileName().toString();
        if (name.endsWith(".class") && !name.contains("$")) {
          Class<?> c = Class.forName("dev.mrt.cli." + name.replace(".class", ""));
          if (c.isAnnotationPresent(Command.class) && c != MrtCommand.class) {
            commands.add(c);
          }
        }
      }
    }
    assertEquals(
        commands,
        Arrays.stream(Subcommand.values()).map(Subcommand::type).collect(Collectors.toSet()));
    for (Subcommand s : Subcommand.values()) {
      assertEquals(s.type().getAnnotation(Command.class).name(), s.commandName(), s.name());
      assertEquals(s, Subcommand.named(s.commandName()).orElseThrow());
    }
  }

  @Test
  void plainSubcommandsNeedOnlyWhatPlainCliMakes() {
    Set<Class<?>> made = Set.of(ImageResolver.class, ContainerRunner.class);
    for (Subcommand s : Subcommand.values()) {
      if (s.plain()) {
        Constructor<?>[] constructors = s.type().getConstructors();
        assertEquals(1, constructors.length, s.toString());
        for (Class<?> p : constructors[0].getParameterTypes()) {
          assertTrue(made.contains(p), s + " needs a " + p.getSimpleName());
        }
      }
    }
  }
}
