package dev.mrt.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top command. Subcommands are added by {@link #commandLine}, not listed here. */
@TopCommand
@Command(
    name = "mrt",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "Runs jobs in fresh rootless runc containers; an Archivematica MCPClient drop-in.")
public class MrtCommand {

  /**
   * mrt's command line with these subcommands, made by {@code factory}: every one under Quarkus,
   * only the one asked for in {@link PlainCli} (picocli makes each subcommand it is given, and a
   * plain JVM cannot make serve).
   */
  static CommandLine commandLine(CommandLine.IFactory factory, List<Subcommand> subcommands) {
    CommandLine cli = new CommandLine(MrtCommand.class, factory);
    for (Subcommand s : subcommands) {
      cli.addSubcommand(s.type());
    }
    // Both settings reach the subcommands added so far only, so they come last.
    // `mrt run IMAGE-OPTIONS cmd -x` must pass -x to cmd, not parse it as ours.
    cli.setStopAtPositional(true);
    return CliErrors.configure(cli);
  }
}
