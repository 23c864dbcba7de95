package dev.mrt.cli;

import dev.mrt.MrtException;
import dev.mrt.archivematica.ClientModules;
import dev.mrt.archivematica.FunctionTable;
import dev.mrt.archivematica.HarnessRunner;
import dev.mrt.archivematica.McpClientJobs;
import dev.mrt.archivematica.Tokens;
import dev.mrt.assets.EmbeddedAssets;
import dev.mrt.bundle.BindMount;
import dev.mrt.config.ArchivematicaConfig;
import dev.mrt.config.PoolConfig;
import dev.mrt.image.ImageResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * What serve makes of mrt.archivematica.* for the job side: the client modules, the path tokens,
 * and the settings every task container gets, with the host checked and logged on the way.
 */
final class ArchivematicaSetup {
  /** Serve's start-up lines: logged under serve's name, as they were before this class. */
  private static final Logger LOG = Logger.getLogger(ServeCommand.class);

  private final ArchivematicaConfig archivematica;
  private final PoolConfig poolConfig;
  private final ImageResolver images;
  private final EmbeddedAssets embedded;
  private final boolean rootless;

  ArchivematicaSetup(
      ArchivematicaConfig archivematica,
      PoolConfig poolConfig,
      ImageResolver images,
      EmbeddedAssets embedded,
      boolean rootless) {
    this.archivematica = archivematica;
    this.poolConfig = poolConfig;
    this.images = images;
    this.embedded = embedded;
    this.rootless = rootless;
  }

  /**
   * The modules file on this host; for the archivematica runner, without one, the image's own (what
   * an MCPClient image serves is what it carries).
   */
  ClientModules modules() {
    Path file = archivematica.modulesFile();
    if (Files.exists(file) || archivematica.runner() != ArchivematicaConfig.Runner.ARCHIVEMATICA) {
      return ClientModules.load(file);
    }
    String ref = archivematica.image();
    LOG.infof("no client modules file at %s: reading the functions from image %s", file, ref);
    return HarnessRunner.modulesOf(images.resolve(ref), ref, file);
  }

  Tokens tokens() {
    return new Tokens(
        archivematica.sharedDirectory().toString(),
        archivematica.clientAssetsDirectory().toString(),
        Clock.systemUTC());
  }

  /** What every task container gets; fails when the shared directory is missing. */
  McpClientJobs.Settings settings(FunctionTable functions) {
    Path shared = archivematica.sharedDirectory();
    if (!Files.isDirectory(shared)) {
      throw new MrtException(
          "shared directory "
              + shared
              + " does not exist; mount it or set "
              + "mrt.archivematica.shared-directory (MRT_ARCHIVEMATICA_SHARED_DIRECTORY)");
    }
    Path assets = archivematica.clientAssetsDirectory();
    Optional<BindMount> assetsMount = Optional.empty();
    if (Files.isDirectory(assets)) {
      assetsMount = Optional.of(new BindMount(assets.toAbsolutePath(), assets.toString(), true));
    } else {
      LOG.warnf("client assets directory %s does not exist; tasks will not see it", assets);
    }
    List<BindMount> extra =
        archivematica.mounts().orElse(List.of()).stream()
            .map(m -> BindMount.parse(m, "mrt.archivematica.mounts"))
            .toList();
    List<String> harnessed =
        functions.names().stream()
            .filter(n -> functions.get(n).orElseThrow().harness())
            .sorted()
            .toList();
    Optional<Path> runnerScript = Optional.empty();
    if (!harnessed.isEmpty()) {
      runnerScript = Optional.of(embedded.mcpclientRunner());
      LOG.infof(
          "archivematica runner: %d of %d functions run through MCPClient's harness in"
              + " their image (%s)",
          harnessed.size(),
          functions.names().size(),
          harnessed.size() > 5
              ? String.join(", ", harnessed.subList(0, 5)) + ", ..."
              : String.join(", ", harnessed));
      if (rootless) {
        LOG.info(
            "archivematica runner: rootless, scripts run as the container's root (your"
                + " user on the host), whatever the image's User; files they write in the shared"
                + " directory belong to you");
      }
    }
    return new McpClientJobs.Settings(
        new BindMount(shared.toAbsolutePath(), shared.toString(), false),
        assetsMount,
        extra,
        poolConfig.outputLimit(),
        archivematica.captureOutput(),
        archivematica.sendStderr(),
        runnerScript,
        HarnessRunner.environment(
            System.getenv(), shared.toString(), assetsMount.map(BindMount::destination)));
  }
}
