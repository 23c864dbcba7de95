package dev.mrt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.config.MrtPaths;
import dev.mrt.host.HostIds;
import dev.mrt.image.ImagePuller;
import dev.mrt.image.ImageReference;
import dev.mrt.image.ImageResolver;
import dev.mrt.testing.DirectoryRootfs;
import dev.mrt.testing.TestConfigs;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's pull training: a real pull, over HTTP, of the image the registry serves. */
class TrainPullCommandTest {
  @TempDir Path temp;
  private ImageResolver images;

  private ImageResolver resolver() {
    images =
        new ImageResolver(
            new DirectoryRootfs(temp.resolve("embedded")),
            TestConfigs.imageCache(temp.resolve("cache")).images(),
            new MrtPaths(temp.resolve("cache"), temp.resolve("state"), Optional.empty()),
            HostIds.current());
    return images;
  }

  @AfterEach
  void close() {
    if (images != null) {
      images.close();
    }
  }

  @Test
  void theTrainingImagePullsWithEveryCheckAndUnpacks() throws IOException {
    ImageResolver r = resolver();
    try (TrainingRegistry registry = TrainingRegistry.start(r.hostPlatform())) {
      ImagePuller.Result pulled =
          r.pull(
              ImageReference.parse(registry.reference()),
              r.hostPlatform(),
              ImagePuller.Progress.NONE);
      Path rootfs = pulled.image().rootfs();
      assertTrue(Files.size(rootfs.resolve("etc/mrt-training")) >= 2 << 20);
      assertEquals(
          Path.of("mrt-training"), Files.readSymbolicLink(rootfs.resolve("etc/mrt-training.link")));
      assertEquals(1, pulled.manifest().layers().size());
    }
  }

  @Test
  void theCommandSucceedsAndStopsItsRegistry() throws Exception {
    TrainPullCommand command = new TrainPullCommand(resolver());
    assertEquals(0, command.call());
    String reference = images.store().entries().get(0).reference();
    int port = Integer.parseInt(reference.replaceAll("^127\\.0\\.0\\.1:(\\d+)/.*", "$1"));
    assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
  }
}
