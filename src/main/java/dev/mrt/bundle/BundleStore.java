package dev.mrt.bundle;

import dev.mrt.IoErrors;
import dev.mrt.MrtException;
import dev.mrt.bundle.oci.Spec;
import dev.mrt.host.FileTrees;
import dev.mrt.network.Pasta;
import dev.mrt.runtime.Runc;
import dev.mrt.runtime.RuncCommandException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The per-job bundle directories under {@code <state-dir>/bundles}. Several mrt processes may share
 * one state directory: each bundle records its owner, and only bundles whose owner is dead are ever
 * cleaned up by someone else.
 */
public final class BundleStore {
  private static final Logger LOG = Logger.getLogger(BundleStore.class);
  private static final Pattern ID = Pattern.compile("mrt-(\\d+)-[0-9a-f]+");
  static final String OWNER_FILE = "owner";
  static final String CONFIG_FILE = "config.json";

  private final Path bundles;
  private final Owner self = Owner.current();

  public BundleStore(Path stateDir) {
    this.bundles = stateDir.resolve("bundles");
  }

  private static final FileAttribute<?> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

  /** Writes a fresh bundle for {@code spec} under a new, unique container id. */
  public Bundle create(Spec spec) {
    return create(dir -> spec);
  }

  /** Spec needing the bundle's own directory (a warm container keeps scratch directories there). */
  interface SpecInBundle {
    Spec spec(Path bundleDir) throws IOException;
  }

  /** Writes a fresh bundle whose spec is made once its directory exists. */
  Bundle create(SpecInBundle specFor) {
    byte[] nonce = new byte[6];
    // Unique, not secret: the id is in every ps listing, and the pid prefix already keeps two
    // processes apart. A SecureRandom's first use (the JDK's security providers) cost 15-20 ms of
    // a cold `mrt run`.
    ThreadLocalRandom.current().nextBytes(nonce);
    String id = idPrefix() + HexFormat.of().formatHex(nonce);
    Path dir = bundles.resolve(id);
    Spec spec;
    try {
      Files.createDirectories(bundles);
      // config.json holds the job's environment, secrets included (a database password):
      // readable by mrt's user alone.
      Files.createDirectory(dir, OWNER_ONLY);
      Files.writeString(dir.resolve(OWNER_FILE), self.format(), StandardCharsets.UTF_8);
      spec = specFor.spec(dir);
      Files.writeString(dir.resolve(CONFIG_FILE), SpecJson.toJson(spec), StandardCharsets.UTF_8);
    } catch (IOException e) {
      FileTrees.removeTree(dir);
      throw new MrtException(
          "cannot write a bundle under "
              + bundles
              + " ("
              + IoErrors.describe(e)
              + "); check that mrt.state-dir is writable",
          e);
    }
    return new Bundle(id, dir, spec);
  }

  /** What every container id this process makes starts with. */
  public String idPrefix() {
    return "mrt-" + self.pid() + "-";
  }

  /** The directory that holds one directory per bundle, named as its container. */
  public Path directory() {
    return bundles;
  }

  /** Removes the container and its bundle, whatever state they are in. */
  public void destroy(Bundle bundle, Runc runc) {
    // Skips a whole runc process per task when `runc run` already cleaned up after itself.
    if (runc.hasState(bundle.containerId())) {
      deleteQuietly(runc, bundle.containerId());
    }
    stopPasta(bundle.dir());
    FileTrees.removeTree(bundle.dir());
  }

  /** So a pasta never outlives its bundle. */
  private static void stopPasta(Path dir) {
    try {
      Pasta.stop(dir.resolve(Pasta.PID_FILE));
    } catch (IOException e) {
      LOG.warnf("cannot read %s: %s", dir.resolve(Pasta.PID_FILE), e.getMessage());
    }
  }

  /**
   * Removes containers and bundles whose owning process is gone (a crash, a kill -9). Bundles of
   * live processes, this one included, are left alone.
   *
   * @return how many were removed
   */
  public int reapStale(Runc runc) {
    int reaped = 0;
    if (Files.isDirectory(bundles)) {
      try (Stream<Path> dirs = Files.list(bundles)) {
        for (Path dir : dirs.toList()) {
          if (!ownerAlive(dir)) {
            String id = dir.getFileName().toString();
            deleteQuietly(runc, id);
            stopPasta(dir);
            FileTrees.removeTree(dir);
            reaped++;
            LOG.infof("removed container %s left by a process that is gone", id);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + bundles, e);
      }
    }
    // Containers whose bundle is already gone but whose runc state remains.
    List<String> ids;
    try {
      ids = runc.stateIds();
    } catch (IOException e) {
      LOG.warnf("cannot list containers in %s: %s", runc.stateRoot(), IoErrors.describe(e));
      return reaped;
    }
    for (String id : ids) {
      Matcher m = ID.matcher(id);
      if (m.matches()
          && !Files.exists(bundles.resolve(id))
          && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
        deleteQuietly(runc, id);
        reaped++;
        LOG.infof("removed container %s left by a process that is gone", id);
      }
    }
    return reaped;
  }

  private static boolean ownerAlive(Path dir) {
    try {
      return Owner.parse(Files.readString(dir.resolve(OWNER_FILE)))
          .map(Owner::isAlive)
          .orElse(false);
    } catch (NoSuchFileException e) {
      // Being created right now by its owner, or left half-made by a crash: tell by its age.
      return youngerThanAMinute(dir);
    } catch (IOException e) {
      return true;
    }
  }

  private static boolean youngerThanAMinute(Path dir) {
    try {
      return Files.getLastModifiedTime(dir).toMillis() > System.currentTimeMillis() - 60_000;
    } catch (IOException e) {
      return false;
    }
  }

  private static void deleteQuietly(Runc runc, String id) {
    try {
      runc.deleteForce(id);
    } catch (RuncCommandException e) {
      LOG.warnf("could not delete container %s: %s", id, e.getMessage());
    }
  }
}
