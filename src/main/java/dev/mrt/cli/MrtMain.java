package dev.mrt.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import picocli.CommandLine;

/** Entry point of the jar: picocli subcommands inside one Quarkus application. */
@QuarkusMain
public class MrtMain implements QuarkusApplication {

  private final CommandLine.IFactory factory;

  @Inject
  public MrtMain(CommandLine.IFactory factory) {
    this.factory = factory;
  }

  public static void main(String... args) {
    Quarkus.run(MrtMain.class, args);
  }

  @Override
  public int run(String... args) {
    CommandLine cli = new CommandLine(MrtCommand.class, factory);
    // `mrt run IMAGE-OPTIONS cmd -x` must pass -x to cmd, not parse it as ours.
    cli.setStopAtPositional(true);
    return CliErrors.configure(cli).execute(args);
  }
}
