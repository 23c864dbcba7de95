package dev.mrt.cli;

import dev.mrt.MrtException;
import dev.mrt.assets.EmbeddedAssets;
import dev.mrt.assets.RuncBinary;
import dev.mrt.bundle.ContainerRunner;
import dev.mrt.config.MrtConfig;
import dev.mrt.config.MrtPaths;
import dev.mrt.config.StandaloneConfig;
import dev.mrt.host.HostIds;
import dev.mrt.image.ImageResolver;
import io.smallrye.config.SmallRyeConfig;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;

/**
 * Runs {@code --version} and the {@linkplain Subcommand#plain() plain} subcommands in a plain JVM:
 * they need nothing of the server (HTTP, metrics, the database), and starting the Quarkus
 * application took ~0.2 s of {@code mrt run -- true}'s ~0.45 s. Their beans are the same classes
 * CDI makes, wired here by hand from the configuration Quarkus would read ({@link
 * StandaloneConfig}).
 */
final class PlainCli implements CommandLine.IFactory {
  private final Optional<Subcommand> subcommand;
  private Beans beans;

  private PlainCli(Optional<Subcommand> subcommand) {
    this.subcommand = subcommand;
  }

  /** The plain CLI for these arguments, or empty when they need the Quarkus application. */
  static Optional<PlainCli> forArgs(String... args) {
    if (args.length == 0) {
      return Optional.empty();
    }
    if (args[0].equals("--version") || args[0].equals("-V")) {
      return Optional.of(new PlainCli(Optional.empty()));
    }
    return Subcommand.named(args[0])
        .filter(Subcommand::plain)
        .map(s -> new PlainCli(Optional.of(s)));
  }

  int run(String... args) {
    try {
      if (subcommand.isPresent()) {
        beans = new Beans(StandaloneConfig.load());
      }
    } catch (MrtException e) {
      System.err.println("mrt: " + e.getMessage());
      return e.exitCode();
    }
    try {
      return MrtCommand.commandLine(this, subcommand.map(List::of).orElse(List.of())).execute(args);
    } finally {
      if (beans != null) {
        beans.images.close(); // as CDI's @PreDestroy would
      }
    }
  }

  @Override
  public <K> K create(Class<K> type) throws Exception {
    if (subcommand.isPresent() && subcommand.get().type() == type) {
      return type.cast(make(subcommand.get()));
    }
    return CommandLine.defaultFactory().create(type);
  }

  private Object make(Subcommand s) {
    return switch (s) {
      case RUN -> new RunCommand(beans.images, beans.runner());
      case SPEC -> new SpecCommand(beans.images, beans.runner());
      case PULL -> new PullCommand(beans.images);
      case IMAGES -> new ImagesCommand(beans.images);
      case RMI -> new RmiCommand(beans.images);
      case GC -> new GcCommand(beans.images);
      case TRAIN_PULL -> new TrainPullCommand(beans.images);
      case SERVE, DOCTOR -> throw new IllegalStateException(s + " needs the Quarkus application");
    };
  }

  /** What the plain subcommands are made of, as CDI would make it. */
  private static final class Beans {
    private final MrtConfig config;
    private final MrtPaths paths;
    private final HostIds ids;
    private final EmbeddedAssets assets;
    private final ImageResolver images;

    Beans(SmallRyeConfig smallRye) {
      PlainLogging.configure(smallRye);
      config = smallRye.getConfigMapping(MrtConfig.class);
      paths = MrtPaths.of(config);
      ids = HostIds.current();
      assets = new EmbeddedAssets(paths, ids);
      images = new ImageResolver(assets, config.images(), paths, ids);
    }

    /** Made only when asked for: pull, images, rmi and gc need no runc. */
    ContainerRunner runner() {
      return new ContainerRunner(
          config.container(), paths, new RuncBinary(paths, assets), assets, ids);
    }
  }
}
