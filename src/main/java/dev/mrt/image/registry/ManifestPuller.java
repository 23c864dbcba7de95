package dev.mrt.image.registry;

import dev.mrt.image.Digest;
import dev.mrt.image.ImageReference;
import dev.mrt.image.registry.RegistryException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.Optional;

/**
 * Fetches one manifest or index by tag or digest, with all four Accept types, and checks it against
 * the digest it was asked by (or the one the registry claims).
 */
final class ManifestPuller {
  /** Manifests are small; anything larger is not one. */
  private static final int LIMIT = 4 * 1024 * 1024;

  private final RegistryTransport transport;
  private final Retry retry;

  ManifestPuller(RegistryTransport transport, Retry retry) {
    this.transport = transport;
    this.retry = retry;
  }

  record Fetched(Digest digest, byte[] bytes, String contentType) {}

  Fetched pull(ImageReference ref, String reference, Optional<Descriptor> expected) {
    String action = "fetch manifest " + reference;
    for (int attempt = 1; ; attempt++) {
      try {
        HttpResponse<InputStream> r =
            transport.get(
                ref, "manifests/" + reference, MediaTypes.ACCEPT, Optional.empty(), action);
        byte[] bytes;
        try (InputStream in = r.body()) {
          bytes = in.readNBytes(LIMIT + 1);
        }
        if (bytes.length > LIMIT) {
          throw new RegistryException(
              ref.toString(),
              Reason.PROTOCOL,
              "the manifest " + reference + " is larger than " + LIMIT + " bytes",
              null);
        }
        Digest actual = Digest.sha256(bytes);
        Optional<Digest> wanted =
            expected
                .map(Descriptor::digest)
                .or(
                    () ->
                        reference.startsWith("sha256:")
                            ? Optional.of(Digest.parse(reference))
                            : Optional.empty());
        if (wanted.isPresent() && !wanted.get().equals(actual)) {
          throw new DigestMismatchException(
              ref.toString(),
              "manifest",
              wanted.get(),
              expected.map(Descriptor::size).orElse((long) bytes.length),
              actual.toString(),
              bytes.length);
        }
        return new Fetched(actual, bytes, r.headers().firstValue("Content-Type").orElse(""));
      } catch (IOException e) {
        retry.pause(ref, action, attempt, e);
      }
    }
  }
}
