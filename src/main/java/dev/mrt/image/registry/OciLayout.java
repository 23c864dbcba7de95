package dev.mrt.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt.image.Digest;
import dev.mrt.image.ImageException;
import dev.mrt.image.Platform;
import dev.mrt.image.registry.RegistryException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * An image in an OCI image layout directory ({@code oci-layout}, {@code index.json}, {@code
 * blobs/sha256/}), as skopeo, umoci and buildah write them. A tag is the {@code
 * org.opencontainers.image.ref.name} annotation of an {@code index.json} entry. Blobs are copied
 * into the cache with the same digest and size checks as a registry's: a layout is just files, and
 * files get corrupted too.
 */
public final class OciLayout implements BlobSource {
  private static final String REF_NAME = "org.opencontainers.image.ref.name";
  private static final int BUFFER = 256 * 1024;

  private final Path dir;
  private final Optional<String> tag;
  private final String name;

  private OciLayout(Path dir, Optional<String> tag) {
    this.dir = dir;
    this.tag = tag;
    this.name = "oci:" + dir + tag.map(t -> ":" + t).orElse("");
  }

  /**
   * @throws ImageException when {@code dir} is not an OCI image layout
   */
  public static OciLayout open(Path dir, Optional<String> tag) {
    Path abs = dir.toAbsolutePath().normalize();
    if (!Files.isRegularFile(abs.resolve("oci-layout"))
        || !Files.isRegularFile(abs.resolve("index.json"))) {
      throw new ImageException(
          "image oci:"
              + abs
              + ": not an OCI image layout (no oci-layout"
              + " and index.json there); give a directory skopeo or umoci wrote");
    }
    return new OciLayout(abs, tag);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public PulledManifest manifest(Platform platform) {
    JsonNode index;
    try {
      index = new ObjectMapper().readTree(dir.resolve("index.json").toFile());
    } catch (IOException e) {
      throw new RegistryException(
          name, Reason.PROTOCOL, "unreadable index.json (" + e.getMessage() + ")", e);
    }
    List<JsonNode> matches = new ArrayList<>();
    List<String> tags = new ArrayList<>();
    for (JsonNode m : index.path("manifests")) {
      String ref = m.path("annotations").path(REF_NAME).asText("");
      tags.add(ref);
      if (tag.map(ref::equals).orElse(true)) {
        matches.add(m);
      }
    }
    if (matches.size() != 1) {
      throw new RegistryException(
          name,
          Reason.NOT_FOUND,
          (matches.isEmpty() ? "no" : "more than" + " one")
              + " image"
              + tag.map(t -> " tagged " + t).orElse("")
              + " in its index.json"
              + " (tags: "
              + tags
              + "); name one as oci:DIR:TAG",
          null);
    }
    try {
      Descriptor top = ManifestJson.descriptor(matches.get(0));
      return ManifestReader.resolve(
          name,
          platform,
          readManifest(top, matches.get(0).path("mediaType").asText("")),
          d -> readManifest(d, null));
    } catch (IOException e) {
      throw new RegistryException(name, Reason.PROTOCOL, e.getMessage(), e);
    }
  }

  private ManifestPuller.Fetched readManifest(Descriptor d, String mediaType) {
    try {
      byte[] bytes = Files.readAllBytes(blob(d.digest()));
      Digest actual = Digest.sha256(bytes);
      if (!actual.equals(d.digest()) || bytes.length != d.size()) {
        throw new DigestMismatchException(
            name, "manifest", d.digest(), d.size(), actual.toString(), bytes.length);
      }
      return new ManifestPuller.Fetched(
          actual, bytes, mediaType != null ? mediaType : d.mediaType());
    } catch (IOException e) {
      throw missing(d, e);
    }
  }

  @Override
  public void fetchBlob(Descriptor d, Path target, LongConsumer progress, OutputStream copy) {
    try (copy) {
      MessageDigest md = Digest.hasher();
      long written = 0;
      byte[] buffer = new byte[BUFFER];
      if (Files.size(blob(d.digest())) != d.size()) {
        throw new DigestMismatchException(
            name, "blob", d.digest(), d.size(), "a different size", Files.size(blob(d.digest())));
      }
      try (InputStream in = Files.newInputStream(blob(d.digest()));
          OutputStream out = Files.newOutputStream(target)) {
        int n;
        while ((n = in.read(buffer)) > 0 && written + n <= d.size()) {
          md.update(buffer, 0, n);
          out.write(buffer, 0, n);
          try {
            copy.write(buffer, 0, n);
          } catch (IOException e) {
            throw new RegistryClient.CopyFailedException(name, e);
          }
          written += n;
          progress.accept(n);
        }
      }
      Digest actual = Digest.of(md.digest());
      if (written != d.size() || !actual.equals(d.digest())) {
        throw new DigestMismatchException(
            name,
            "blob",
            d.digest(),
            d.size(),
            written != d.size() ? "a different size" : actual.toString(),
            written);
      }
    } catch (IOException e) {
      throw missing(d, e);
    }
  }

  @Override
  public void fetchBlobs(
      List<Descriptor> blobs, Function<Descriptor, Path> target, LongConsumer progress) {
    // Local files: copying in order is as fast as the disk allows.
    blobs.forEach(d -> fetchBlob(d, target.apply(d), progress, OutputStream.nullOutputStream()));
  }

  private Path blob(Digest d) {
    return dir.resolve("blobs").resolve(Digest.ALGORITHM).resolve(d.hex());
  }

  private RegistryException missing(Descriptor d, IOException e) {
    return new RegistryException(
        name,
        Reason.NOT_FOUND,
        "cannot read blob "
            + d.digest()
            + " from the layout ("
            + e.getMessage()
            + "); the layout is incomplete",
        e);
  }
}
