package dev.mrt.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How {@code mrt serve} stands in for MCPClient. Archivematica's own MCPClient variables are
 * accepted as fallbacks (see application.properties), so an existing environment file works.
 */
@ConfigMapping(prefix = "mrt.archivematica")
public interface ArchivematicaConfig {

  /** Archivematica's {@code archivematicaClientModules} INI: the functions to serve. */
  @WithDefault("/usr/lib/archivematica/MCPClient/archivematicaClientModules")
  Path modulesFile();

  /** Mounted read-write at the same path in every container; {@code %sharedPath%}. */
  @WithDefault(
      "${ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_SHAREDDIRECTORYMOUNTED:"
          + "/var/archivematica/sharedDirectory/}")
  Path sharedDirectory();

  /** Mounted read-only at the same path; {@code %clientAssetsDirectory%}. */
  @WithDefault(
      "${ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_CLIENTASSETSDIRECTORY:"
          + "/usr/lib/archivematica/MCPClient/assets/}")
  Path clientAssetsDirectory();

  /**
   * What runs for a task, before the task's own arguments: split like a shell line; {@code
   * {module}} is the module name the INI gives the function, {@code {function}} its name.
   */
  @WithDefault("{module}")
  String command();

  /**
   * What runs a function's batch. {@code command}: each task's {@link #command()} as a process of
   * its own. {@code archivematica}: the whole batch in one container of an Archivematica MCPClient
   * {@link #image()}, through MCPClient's own harness (Django, {@code client.worker.run_task}),
   * which writes the Tasks table itself.
   */
  @WithDefault("command")
  Runner runner();

  /** The image's Python, for the archivematica runner: a name on the image's PATH or a path. */
  @WithDefault("python3")
  String python();

  /**
   * Send each task's stderr under {@code stderr} as well as MCPClient's {@code stderror}: MCPServer
   * reads {@code stderr} for a workflow link's stderr_file.
   */
  @WithDefault("true")
  boolean sendStderr();

  /** The image tasks run in, unless a function names its own. */
  @WithDefault("default")
  String image();

  /** Variables given to every task, on top of LANG and PYTHONIOENCODING. */
  Map<String, String> env();

  /** Kill a task after this long. Default: never, as MCPClient. */
  Optional<Duration> timeout();

  /**
   * What the containers of command functions reach: {@code none} (loopback only, the default),
   * {@code host}, {@code private} (outbound through pasta), or only endpoints {@code
   * HOST:PORT,...}. A job never reaches gearmand or mrt's own port unless given the host's.
   */
  @WithDefault("none")
  String network();

  /**
   * Services the archivematica runner's containers reach besides the database (which they always
   * do), {@code HOST:PORT}: the storage service, ClamAV, Elasticsearch. Nothing else is reachable
   * from them.
   */
  Optional<List<String>> endpoints();

  /**
   * Further bind mounts for every task container, {@code SRC:DST[:ro]}, e.g. a directory of client
   * scripts or /etc/archivematica.
   */
  Optional<List<String>> mounts();

  /**
   * Send tasks' stdout and stderr back (when MCPServer wants them). Falls back to
   * ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_CAPTURE_CLIENT_SCRIPT_OUTPUT.
   */
  @WithDefault("${ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_CAPTURE_CLIENT_SCRIPT_OUTPUT:true}")
  boolean captureOutput();

  enum Runner {
    /** Each task's command in a container of its own (or the batch runner, in batch mode). */
    COMMAND,
    /** Archivematica's client scripts through MCPClient's harness, one container per batch. */
    ARCHIVEMATICA
  }
}
