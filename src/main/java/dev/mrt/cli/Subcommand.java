package dev.mrt.cli;

import java.util.Arrays;
import java.util.Optional;
import picocli.CommandLine.Command;

/**
 * mrt's subcommands, in the order help lists them, and which of them need the Quarkus application
 * (HTTP, metrics, the database). The others are {@code plain}: {@link PlainCli} runs them without
 * starting it. {@code train-pull} is hidden: only the launcher calls it.
 */
enum Subcommand {
  SERVE(ServeCommand.class, false),
  RUN(RunCommand.class, true),
  SPEC(SpecCommand.class, true),
  DOCTOR(DoctorCommand.class, false),
  PULL(PullCommand.class, true),
  IMAGES(ImagesCommand.class, true),
  RMI(RmiCommand.class, true),
  GC(GcCommand.class, true),
  TRAIN_PULL(TrainPullCommand.class, true);

  private final Class<?> type;
  private final boolean plain;

  Subcommand(Class<?> type, boolean plain) {
    this.type = type;
    this.plain = plain;
  }

  Class<?> type() {
    return type;
  }

  boolean plain() {
    return plain;
  }

  /** The name it is called by, from its {@code @Command}. */
  String commandName() {
    return type.getAnnotation(Command.class).name();
  }

  static Optional<Subcommand> named(String name) {
    return Arrays.stream(values()).filter(s -> s.commandName().equals(name)).findFirst();
  }
}
