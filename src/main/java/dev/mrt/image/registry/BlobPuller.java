package dev.mrt.image.registry;

import dev.mrt.image.Digest;
import dev.mrt.image.ImageReference;
import dev.mrt.image.registry.RegistryException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Fetches one blob into a file, hashing while it streams, and optionally copies each byte to a
 * second stream (so a layer can be unpacked while it downloads). A transfer that breaks is resumed
 * with {@code Range} from the last byte written: a 206 continues where it stopped; from a registry
 * that ignores Range and sends 200, the bytes already written are read and dropped, so the file and
 * the copy only ever grow (the digest still covers every byte kept). The file is complete only when
 * size and digest both match; otherwise {@link DigestMismatchException}, and the caller deletes it.
 */
final class BlobPuller {
  private static final int BUFFER = 256 * 1024;

  private final RegistryTransport transport;
  private final Retry retry;

  BlobPuller(RegistryTransport transport, Retry retry) {
    this.transport = transport;
    this.retry = retry;
  }

  /**
   * @param progress told of each chunk written, in bytes
   */
  void pull(ImageReference ref, Descriptor blob, Path target, LongConsumer progress) {
    pull(ref, blob, target, progress, Optional.empty());
  }

  /**
   * @param copy receives every verified-so-far byte in order; its failures are not retried (they
   *     are the consumer's, not the network's) and end the pull as {@link CopyFailed}
   */
  void pull(
      ImageReference ref,
      Descriptor blob,
      Path target,
      LongConsumer progress,
      Optional<OutputStream> copy) {
    String action = "fetch blob " + blob.digest();
    MessageDigest md = Digest.hasher();
    long written = 0;
    try (FileChannel out =
        FileChannel.open(
            target,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
      for (int attempt = 1; ; attempt++) {
        try {
          Optional<String> range =
              written > 0 ? Optional.of("bytes=" + written + "-") : Optional.empty();
          HttpResponse<InputStream> r =
              transport.get(ref, "blobs/" + blob.digest(), List.of(), range, action);
          try (InputStream in = r.body()) {
            if (written > 0 && r.statusCode() != 206) {
              // The registry ignored Range: it sends the whole blob again; drop what we have.
              in.skipNBytes(written);
            }
            int n;
            while ((n = in.read(buffer.array())) > 0) {
              if (written + n > blob.size()) {
                // Longer than promised: stop rather than fill the disk with it.
                throw mismatch(ref, blob, "more than " + blob.size() + " bytes", written + n);
              }
              md.update(buffer.array(), 0, n);
              buffer.clear().limit(n);
              while (buffer.hasRemaining()) {
                out.write(buffer);
              }
              buffer.clear();
              if (copy.isPresent()) {
                try {
                  copy.get().write(buffer.array(), 0, n);
                } catch (IOException e) {
                  throw new CopyFailed(e);
                }
              }
              written += n;
              progress.accept(n);
            }
          }
          if (written < blob.size()) {
            throw new IOException(
                "the transfer ended after " + written + " of " + blob.size() + " bytes");
          }
          break;
        } catch (IOException e) {
          retry.pause(ref, action, attempt, e);
        }
      }
      Digest actual = Digest.of(md.digest());
      if (!actual.equals(blob.digest())) {
        throw mismatch(ref, blob, actual.toString(), written);
      }
      out.force(false);
    } catch (IOException e) {
      throw new RegistryException(
          ref.toString(),
          Reason.UNREACHABLE,
          "cannot write " + target + " (" + e.getMessage() + "); check the cache directory",
          e);
    }
  }

  /** The stream given a copy of the blob failed (its reader stopped); not a network failure. */
  static final class CopyFailed extends RuntimeException {
    CopyFailed(IOException cause) {
      super(cause);
    }
  }

  private static DigestMismatchException mismatch(
      ImageReference ref, Descriptor blob, String actual, long actualSize) {
    return new DigestMismatchException(
        ref.toString(), "blob", blob.digest(), blob.size(), actual, actualSize);
  }
}
