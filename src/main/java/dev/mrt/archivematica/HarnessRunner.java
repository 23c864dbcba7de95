package dev.mrt.archivematica;

import dev.mrt.IoErrors;
import dev.mrt.MrtException;
import dev.mrt.assets.EmbeddedAssets;
import dev.mrt.bundle.BindMount;
import dev.mrt.bundle.ContainerRequest;
import dev.mrt.host.RootfsPaths;
import dev.mrt.image.PreparedImage;
import dev.mrt.network.Network;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The archivematica runner ({@code mrt.archivematica.runner=archivematica}): mrt's embedded {@code
 * mcpclient-runner.py}, mounted read-only into a container of an MCPClient image, runs a batch
 * through MCPClient's own harness. This class knows where it is mounted and what the container gets
 * on top of a task's: what MCPClient's process would have in its environment.
 */
public final class HarnessRunner {
  /** Under the container's own tmpfs /run: nothing of the image is touched. */
  static final String MOUNT_POINT = "/run/mrt-runner";

  static final String SHARED_DIRECTORY = "ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_SHAREDDIRECTORYMOUNTED";
  static final String CLIENT_ASSETS = "ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_CLIENTASSETSDIRECTORY";

  private HarnessRunner() {}

  /** The container's command: the image's Python, then the mounted runner. */
  static List<String> command(String python) {
    List<String> words;
    try {
      words = new ArrayList<>(Shlex.split(python));
    } catch (PayloadException e) {
      throw new MrtException("bad mrt.archivematica.python '" + python + "': " + e.getMessage());
    }
    if (words.isEmpty()) {
      throw new MrtException(
          "mrt.archivematica.python is empty; set it to the image's Python," + " e.g. python3");
    }
    words.add(MOUNT_POINT + "/" + EmbeddedAssets.MCPCLIENT_RUNNER);
    return List.copyOf(words);
  }

  /**
   * The command of a container started before its batch: the runner sets Django and the function's
   * module up, then takes the batch as mrt's hand-off.
   */
  static List<String> warmCommand(List<String> command, String module) {
    List<String> words = new ArrayList<>(command);
    words.add("--warm");
    words.add(module);
    return List.copyOf(words);
  }

  /** The runner's directory in the cache, mounted read-only. */
  static BindMount mount(Path runnerScript) {
    return new BindMount(runnerScript.getParent(), MOUNT_POINT, true);
  }

  /**
   * What the scripts read from MCPClient's environment: the operator's {@code
   * ARCHIVEMATICA_MCPCLIENT_*} variables and {@code DJANGO_SETTINGS_MODULE} from mrt's own, so an
   * existing /etc/default/archivematica-mcp-client configures them too; then the shared directory
   * (and client assets, when mounted) where mrt mounts them, which the scripts must agree with.
   */
  public static Map<String, String> environment(
      Map<String, String> mrtEnvironment, String sharedDirectory, Optional<String> clientAssets) {
    Map<String, String> env = passedThrough(mrtEnvironment);
    env.put(SHARED_DIRECTORY, withSlash(sharedDirectory));
    clientAssets.ifPresent(a -> env.put(CLIENT_ASSETS, withSlash(a)));
    return env;
  }

  /**
   * A container that runs the runner's {@code --check} in an image: what it says on stderr, and
   * exit 0 when the image can run batches.
   */
  public static ContainerRequest checkRequest(
      Path runnerScript, String python, Map<String, String> mrtEnvironment) {
    List<String> argv = new ArrayList<>(command(python));
    argv.add("--check");
    return new ContainerRequest(
            argv,
            passedThrough(mrtEnvironment),
            Optional.empty(),
            Optional.empty(),
            Network.NONE,
            List.of(mount(runnerScript)))
        .withRootlessUser(ContainerRequest.RootlessUser.ROOT);
  }

  /**
   * The functions an MCPClient image serves, from its own archivematicaClientModules (named by the
   * image's config, as Archivematica's Dockerfile does): what {@code serve} registers when the host
   * has no copy. Symlinks are followed inside the image only.
   *
   * @throws MrtException when the image names no modules file, or it cannot be read
   */
  public static ClientModules modulesOf(PreparedImage image, String reference, Path hostFile) {
    Optional<String> named =
        MODULES_FILE_VARIABLES.stream()
            .flatMap(v -> image.config().env().stream().filter(e -> e.startsWith(v + "=")))
            .map(e -> e.substring(e.indexOf('=') + 1))
            .filter(v -> !v.isBlank())
            .findFirst();
    if (named.isEmpty()) {
      throw new MrtException(
          "client modules file "
              + hostFile
              + " does not exist, and image "
              + reference
              + " names none in its config ("
              + MODULES_FILE_VARIABLES.get(0)
              + "); copy"
              + " Archivematica's archivematicaClientModules there or set"
              + " mrt.archivematica.modules-file");
    }
    Path inRootfs =
        RootfsPaths.resolve(image.rootfs(), named.get())
            .filter(p -> Files.isRegularFile(p))
            .orElseThrow(
                () ->
                    new MrtException(
                        "image "
                            + reference
                            + " names "
                            + named.get()
                            + " as its client modules file, but has no such file; set"
                            + " mrt.archivematica.modules-file to a copy on this host"));
    try {
      return ClientModules.parse(
          Files.readString(inRootfs, StandardCharsets.UTF_8), reference + ":" + named.get());
    } catch (IOException e) {
      throw new MrtException(
          "cannot read "
              + named.get()
              + " in image "
              + reference
              + " ("
              + IoErrors.describe(e)
              + ")",
          e);
    }
  }

  /** Where MCPClient's settings look for the modules file, in the order they do. */
  private static final List<String> MODULES_FILE_VARIABLES =
      List.of(
          "ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_ARCHIVEMATICACLIENTMODULES",
          "ARCHIVEMATICA_MCPCLIENT_ARCHIVEMATICACLIENTMODULES");

  private static Map<String, String> passedThrough(Map<String, String> mrtEnvironment) {
    Map<String, String> env = new LinkedHashMap<>();
    mrtEnvironment.forEach(
        (k, v) -> {
          if (k.startsWith("ARCHIVEMATICA_MCPCLIENT_") || k.equals("DJANGO_SETTINGS_MODULE")) {
            env.put(k, v);
          }
        });
    return env;
  }

  private static String withSlash(String dir) {
    return dir.endsWith("/") ? dir : dir + "/";
  }
}
