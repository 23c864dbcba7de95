package dev.mrt.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

@TopCommand
@Command(
    name = "mrt",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "Runs jobs in fresh rootless runc containers; an Archivematica MCPClient drop-in.",
    subcommands = {
      ServeCommand.class,
      RunCommand.class,
      SpecCommand.class,
      DoctorCommand.class,
      PullCommand.class,
      ImagesCommand.class,
      RmiCommand.class,
      GcCommand.class
    })
public class MrtCommand {}
