package dev.mrt.cli;

import java.util.Arrays;
import java.util.Optional;

/**
 * mrt's subcommands, in the order help lists them, and which of them need the Quarkus application
 * (HTTP, metrics, the database). The others are {@code plain}: {@link PlainCli} runs them without
 * starting it. {@code train-pull} is hidden: only the launcher calls it.
 */
enum Subcommand {
  SERVE("serve", ServeCommand.class, false),
  RUN("run", RunCommand.class, true),
  SPEC("spec", SpecCommand.class, true),
  DOCTOR("doctor", DoctorCommand.class, false),
  PULL("pull", PullCommand.class, true),
  IMAGES("images", ImagesCommand.class, true),
  RMI("rmi", RmiCommand.class, true),
  GC("gc", GcCommand.class, true),
  TRAIN_PULL("train-pull", TrainPullCommand.class, true);

  private final String name;
  private final Class<?> type;
  private final boolean plain;

  Subcommand(String name, Class<?> type, boolean plain) {
    this.name = name;
    this.type = type;
    this.plain = plain;
  }

  Class<?> type() {
    return type;
  }

  boolean plain() {
    return plain;
  }

  /**
   * The name it is called by, as its {@code @Command} says (PlainCliTest checks that they agree):
   * not read from the annotation, whose first read in a JVM makes a proxy class, and reads every
   * command's annotations, before the command line is even looked at.
   */
  String commandName() {
    return name;
  }

  static Optional<Subcommand> named(String name) {
    return Arrays.stream(values()).filter(s -> s.commandName().equals(name)).findFirst();
  }
}
