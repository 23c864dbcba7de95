package dev.mrt.image;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where an image named by a user comes from. Which kind a text is never depends on the network:
 * {@code default}, {@code oci:DIR[:TAG]}, a tarball path (a {@code .tar}, {@code .tar.gz}, {@code
 * .tgz} or {@code .tar.zst} name, or any existing file), else a registry reference.
 */
public sealed interface ImageSource {

  /** Hands this source to the one method of {@code kinds} for its kind. */
  <T> T accept(Kinds<T> kinds);

  /** What to do with each kind of source; a new kind fails to compile until every user says. */
  interface Kinds<T> {
    T embedded(Default source);

    T tarball(Tarball source);

    T registry(Registry source);

    T ociLayout(OciLayout source);
  }

  /** The embedded Debian + Python root filesystem. */
  record Default() implements ImageSource {
    @Override
    public <T> T accept(Kinds<T> kinds) {
      return kinds.embedded(this);
    }
  }

  /** A root filesystem tarball, unpacked as is (not an image with layers and a config). */
  record Tarball(Path file) implements ImageSource {
    @Override
    public <T> T accept(Kinds<T> kinds) {
      return kinds.tarball(this);
    }
  }

  /** An image in a registry. */
  record Registry(ImageReference reference) implements ImageSource {
    @Override
    public <T> T accept(Kinds<T> kinds) {
      return kinds.registry(this);
    }
  }

  /**
   * An OCI image layout directory; {@code tag} selects a manifest by its {@code
   * org.opencontainers.image.ref.name} annotation, empty for the only one.
   */
  record OciLayout(Path directory, Optional<String> tag) implements ImageSource {
    @Override
    public <T> T accept(Kinds<T> kinds) {
      return kinds.ociLayout(this);
    }
  }

  /**
   * @throws ImageReference.InvalidReferenceException naming the input
   */
  static ImageSource parse(String text) {
    if (text.equals(ImageResolver.DEFAULT)) {
      return new Default();
    }
    if (text.startsWith("oci:")) {
      String rest = text.substring(4);
      // A tag follows the last colon, unless that colon belongs to the path (oci:/a:b/dir).
      int colon = rest.lastIndexOf(':');
      if (colon > 0 && rest.indexOf('/', colon) < 0) {
        return new OciLayout(
            Path.of(rest.substring(0, colon)), Optional.of(rest.substring(colon + 1)));
      }
      return new OciLayout(Path.of(rest), Optional.empty());
    }
    if (text.endsWith(".tar")
        || text.endsWith(".tar.gz")
        || text.endsWith(".tgz")
        || text.endsWith(".tar.zst")
        || text.startsWith("/")
        || text.startsWith("./")
        || Files.isRegularFile(Path.of(text))) {
      return new Tarball(Path.of(text));
    }
    return new Registry(ImageReference.parse(text));
  }
}
