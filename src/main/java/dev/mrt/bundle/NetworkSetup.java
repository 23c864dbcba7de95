package dev.mrt.bundle;

import dev.mrt.IoErrors;
import dev.mrt.MrtException;
import dev.mrt.bundle.oci.Hooks;
import dev.mrt.bundle.oci.Mount;
import dev.mrt.bundle.oci.NamespaceType;
import dev.mrt.bundle.oci.Spec;
import dev.mrt.image.Digest;
import dev.mrt.network.Endpoint;
import dev.mrt.network.EndpointRelays;
import dev.mrt.network.Network;
import dev.mrt.network.Pasta;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Gives a spec its network, as {@link Rootless} gives it its user namespace: one transformation of
 * data, so it lives with the other spec builders while {@code dev.mrt.network} keeps the network
 * kinds and the processes (pasta, relays) and knows no spec. The namespace itself is already in the
 * spec (every kind but host has one); this adds the files names resolve with and, for user-mode
 * kinds, the pasta hook that links the namespace.
 */
public final class NetworkSetup {
  static final String RESOLV_CONF = "/etc/resolv.conf";

  /** Host files a container on the host network needs to resolve names as the host does. */
  static final List<String> HOST_FILES = List.of(RESOLV_CONF, "/etc/hosts");

  private final Pasta pasta;
  private final EndpointRelays relays;
  private final Path filesDir;

  /**
   * @param filesDir where generated /etc/hosts files are kept (content-addressed, shared)
   */
  public NetworkSetup(Pasta pasta, EndpointRelays relays, Path filesDir) {
    this.pasta = pasta;
    this.relays = relays;
    this.filesDir = filesDir;
  }

  /** Why private and endpoint networks cannot be had here, or empty. */
  public Optional<String> userModeUnavailable() {
    return pasta.unavailable();
  }

  public Spec apply(Spec spec, Network network) {
    List<Mount> files = new ArrayList<>();
    Hooks hooks = null;
    if (network instanceof Network.Host) {
      for (String file : HOST_FILES) {
        if (Files.isRegularFile(Path.of(file))) {
          files.add(Mount.bind(file, file, true));
        }
      }
    } else {
      List<String> names =
          network instanceof Network.Endpoints e
              ? e.endpoints().stream()
                  .filter(Endpoint::named)
                  .map(Endpoint::host)
                  .distinct()
                  .toList()
              : List.of();
      files.add(Mount.bind(hostsFile(spec.hostname(), names).toString(), "/etc/hosts", true));
      if (network instanceof Network.Private && Files.isRegularFile(Path.of(RESOLV_CONF))) {
        files.add(Mount.bind(RESOLV_CONF, RESOLV_CONF, true));
      }
      if (network.userMode()) {
        pasta
            .unavailable()
            .ifPresent(
                why -> {
                  throw new MrtException(
                      "network "
                          + describeShort(network)
                          + " needs pasta: "
                          + why
                          + "; or use network none or host");
                });
        boolean rootless =
            spec.linux().namespaces().stream().anyMatch(n -> n.type() == NamespaceType.USER);
        Pasta.HookCommand link = pasta.hook(rootless, pastaOptions(network));
        hooks = new Hooks(List.of(new Hooks.Hook(link.path(), link.args(), link.timeout())));
      }
    }
    return spec.withMounts(beforeUserMounts(spec.mounts(), files)).withHooks(hooks);
  }

  /** What pasta is told beyond its fixed options, for a network that needs it. */
  private List<String> pastaOptions(Network network) {
    if (network instanceof Network.Endpoints e) {
      // No --config-net: the link stays down, unaddressed and unrouted, so nothing but the
      // forwarded loopback ports leads anywhere.
      String ports =
          String.join(
              ",",
              e.endpoints().stream()
                  .map(
                      p -> {
                        int host = relays.portFor(p);
                        return host == p.port()
                            ? Integer.toString(p.port())
                            : p.port() + ":" + host;
                      })
                  .toList());
      return List.of("-T", ports);
    }
    return List.of("--config-net", "-T", "none");
  }

  private static String describeShort(Network network) {
    return network instanceof Network.Private ? "private" : "endpoints";
  }

  /** mrt's files go before the job's own binds, so a job that mounts its own /etc/hosts wins. */
  private static List<Mount> beforeUserMounts(List<Mount> mounts, List<Mount> files) {
    int at = 0;
    while (at < mounts.size() && !mounts.get(at).type().equals("bind")) {
      at++;
    }
    List<Mount> out = new ArrayList<>(mounts.subList(0, at));
    out.addAll(files);
    out.addAll(mounts.subList(at, mounts.size()));
    return out;
  }

  /** An /etc/hosts with loopback, the container's hostname and the endpoints' names. */
  Path hostsFile(String hostname, List<String> endpointNames) {
    StringBuilder text =
        new StringBuilder(
            "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost"
                + " ip6-loopback\n127.0.1.1\t"
                + hostname
                + "\n");
    for (String name : endpointNames) {
      text.append("127.0.0.1\t").append(name).append('\n');
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    // Named by content: every process and container with the same names shares one file.
    Path file = filesDir.resolve("hosts-" + Digest.sha256(bytes).hex().substring(0, 16));
    if (Files.isRegularFile(file)) {
      return file;
    }
    try {
      Files.createDirectories(filesDir);
      Path tmp = Files.createTempFile(filesDir, ".hosts-", "");
      Files.write(tmp, bytes);
      tmp.toFile().setReadable(true, false);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException e) {
      throw new MrtException(
          "cannot write "
              + file
              + " ("
              + IoErrors.describe(e)
              + "); check that mrt.state-dir is writable",
          e);
    }
  }
}
