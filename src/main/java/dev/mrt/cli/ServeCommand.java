package dev.mrt.cli;

import dev.mrt.DaemonThreads;
import dev.mrt.MrtException;
import dev.mrt.api.ApiToken;
import dev.mrt.archivematica.FunctionTable;
import dev.mrt.archivematica.McpClientJobs;
import dev.mrt.archivematica.db.TaskDatabase;
import dev.mrt.archivematica.db.TaskRows;
import dev.mrt.assets.EmbeddedAssets;
import dev.mrt.bundle.ContainerRunner;
import dev.mrt.config.ApiConfig;
import dev.mrt.config.ArchivematicaConfig;
import dev.mrt.config.ConfigChecks;
import dev.mrt.config.FunctionsConfig;
import dev.mrt.config.GearmanConfig;
import dev.mrt.config.MrtConfig;
import dev.mrt.config.PoolConfig;
import dev.mrt.gearman.GearmanWorker;
import dev.mrt.gearman.ServerAddress;
import dev.mrt.gearman.ServerState;
import dev.mrt.gearman.WorkerOptions;
import dev.mrt.image.ImageResolver;
import dev.mrt.metrics.DaemonStatus;
import dev.mrt.metrics.MrtMetrics;
import dev.mrt.network.Network;
import dev.mrt.pool.ContainerPool;
import jakarta.inject.Provider;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

@Command(
    name = "serve",
    description =
        "Run as an Archivematica MCPClient worker: take Gearman jobs and run every "
            + "task in a fresh container. Stops cleanly on SIGTERM.")
public class ServeCommand implements Callable<Integer> {
  /**
   * Pulls mrt.images.prefetch in the background, one thread per image: jobs on the default image
   * (or on an image already here) never wait for them, and a job that needs one joins its pull.
   */
  private void prefetch(List<String> references) {
    for (String ref : references) {
      DaemonThreads.start(
          "mrt-prefetch",
          () -> {
            try {
              images.resolve(ref);
              LOG.infof("prefetched %s", ref);
            } catch (MrtException e) {
              LOG.errorf("prefetch failed: %s", e.getMessage());
            }
          });
    }
  }

  private static final Logger LOG = Logger.getLogger(ServeCommand.class);

  /** Read before the application starts (see MrtMain); declared here for --help. */
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "A properties file with settings, above config/application.properties.")
  Path configFile;

  private final MrtConfig config;
  private final ArchivematicaConfig archivematica;
  private final FunctionsConfig functionsConfig;
  private final GearmanConfig gearman;
  private final PoolConfig poolConfig;
  private final ApiConfig apiConfig;

  /** Made after the settings are checked, so a bad mrt.pool.size is a one-line error. */
  private final Provider<ContainerPool> poolProvider;

  private ContainerPool pool;
  private final ContainerRunner runner;
  private final ImageResolver images;
  private final MrtMetrics metrics;
  private final DaemonStatus status;
  private final TaskDatabase database;
  private final EmbeddedAssets assets;
  private final ApiToken apiToken;

  public ServeCommand(
      MrtConfig config,
      ArchivematicaConfig archivematica,
      FunctionsConfig functionsConfig,
      GearmanConfig gearman,
      PoolConfig poolConfig,
      ApiConfig apiConfig,
      Provider<ContainerPool> pool,
      ContainerRunner runner,
      ImageResolver images,
      MrtMetrics metrics,
      DaemonStatus status,
      TaskDatabase database,
      EmbeddedAssets assets,
      ApiToken apiToken) {
    this.config = config;
    this.archivematica = archivematica;
    this.functionsConfig = functionsConfig;
    this.gearman = gearman;
    this.poolConfig = poolConfig;
    this.apiConfig = apiConfig;
    this.poolProvider = pool;
    this.runner = runner;
    this.images = images;
    this.metrics = metrics;
    this.status = status;
    this.database = database;
    this.assets = assets;
    this.apiToken = apiToken;
  }

  @Override
  public Integer call() throws InterruptedException {
    ConfigChecks.validate(poolConfig, apiConfig);
    // Parsed per API job; parsed here too so a bad value stops serve at once. Config knows no
    // network kinds: those are network's.
    Network.parse(apiConfig.network(), "mrt.api.network");
    pool = poolProvider.get();
    CountDownLatch stop = new CountDownLatch(1);
    // Our own handlers: the JVM's would start shutdown (exit 143) before the drain is done.
    Signal.handle(new Signal("TERM"), s -> stop.countDown());
    Signal.handle(new Signal("INT"), s -> stop.countDown());

    ArchivematicaSetup setup =
        new ArchivematicaSetup(archivematica, poolConfig, images, assets, runner.rootless());
    FunctionTable functions = FunctionTable.of(setup.modules(), archivematica, functionsConfig);
    functions.names().forEach(n -> runner.checkSeccomp(functions.get(n).orElseThrow().seccomp()));
    if (database.settings().isPresent()) {
      metrics.database();
    }
    TaskRows rows = database.open(metrics);
    McpClientJobs jobs =
        new McpClientJobs(
            functions,
            pool,
            images,
            setup.tokens(),
            setup.settings(functions),
            config.stateDir().resolve("batches"),
            rows,
            metrics,
            Clock.systemUTC());
    pool.addListener(metrics);
    images.addListener(metrics.images());
    images.addPullListener(metrics.images());
    metrics.serve(pool, functions.names());
    status.gearmanEnabled(gearman.enabled());
    List<ServerAddress> servers =
        gearman.enabled()
            ? gearman.servers().stream().map(ServerAddress::parse).toList()
            : List.of();
    // What a job must never reach, even when an operator names it by mistake.
    servers.forEach(s -> functions.refuseReaching(s.host(), s.port(), "gearmand"));
    ConfigProvider.getConfig()
        .getOptionalValue("quarkus.http.port", Integer.class)
        .filter(port -> port > 0)
        .ifPresent(port -> functions.refuseReaching("127.0.0.1", port, "mrt's own HTTP port"));
    // Known before readiness can be asked, so a server never reached shows as down.
    servers.forEach(
        s ->
            metrics.onStateChange(
                new ServerState(s, ServerState.Status.CONNECTING, 0, Optional.empty())));
    // Crash leftovers go now, and the runtime and default image are ready before any job.
    runner.runc();
    images.resolve(ImageResolver.DEFAULT);
    status.defaultRootfsReady();
    Optional<String> probe = runner.probe(images.resolve(ImageResolver.DEFAULT));
    probe.ifPresent(why -> LOG.errorf("probe container failed: %s; run `mrt doctor`", why));
    status.probed(probe);
    LOG.infof("containers: %s", String.join("; ", runner.isolation()));
    functions
        .networks()
        .forEach(
            (network, names) ->
                LOG.infof("network of %d functions: %s", names.size(), network.describe()));
    // Made (or read) now, so the first request does not pay for it and a bad file stops here.
    LOG.info(apiToken.describe());
    prefetch(config.images().prefetch().orElse(List.of()));

    GearmanWorker worker = null;
    if (gearman.enabled()) {
      worker =
          new GearmanWorker(
              servers,
              functions.names(),
              jobs,
              WorkerOptions.defaults("mrt-" + ProcessHandle.current().pid()),
              metrics);
      worker.start();
      LOG.infof(
          "serving %d functions from %s with %d container slots (%s)",
          functions.names().size(),
          servers,
          pool.size(),
          runner.rootless() ? "rootless" : "rootful");
    }

    stop.await();
    LOG.infof(
        "stopping: no new jobs; running tasks may finish within %s",
        config.shutdown().drainTimeout());
    if (worker != null) {
      worker.stop();
    }
    pool.shutdown(config.shutdown().drainTimeout());
    // Replies of drained batches go out before the connections close.
    jobs.shutdown(Duration.ofSeconds(30));
    if (worker != null) {
      worker.close();
    }
    rows.close();
    LOG.info("stopped");
    return 0;
  }
}
