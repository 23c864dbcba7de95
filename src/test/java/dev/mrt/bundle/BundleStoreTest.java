package dev.mrt.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.network.Network;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleStoreTest {
  @TempDir Path state;

  @Test
  void testCreate_bundleReadableByMrtsUserAlone() throws IOException {
    // The job's environment (a database password, for the Archivematica runner) is in it.
    ContainerRequest secret =
        new ContainerRequest(
            List.of("true"),
            Map.of("ARCHIVEMATICA_MCPCLIENT_CLIENT_PASSWORD", "s3cret"),
            Optional.empty(),
            Optional.empty(),
            Network.HOST,
            List.of());
    Bundle b = new BundleStore(state).create(SpecFixtures.rootful(secret));
    assertEquals(
        "rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(b.dir())));
    assertTrue(Files.readString(b.dir().resolve("config.json")).contains("s3cret"));
  }
}
