package dev.mrt.bundle;

import dev.mrt.MrtException;
import dev.mrt.bundle.oci.User;
import dev.mrt.image.PreparedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Turns an image's {@code User} ({@code uid}, {@code uid:gid}, {@code name}, {@code name:group})
 * into numeric ids, reading names from the image's own /etc/passwd and /etc/group.
 *
 * <p>Rootless containers map a single id, the caller's, onto root: no other uid exists inside. A
 * non-root User therefore fails with a message instead of silently running as root, which would
 * hand the job more rights than its image asked for.
 */
final class ImageUser {
  private ImageUser() {}

  static User resolve(PreparedImage image, boolean rootless, ContainerRequest.RootlessUser policy) {
    Optional<String> spec = image.config().user();
    if (spec.isEmpty() || (rootless && policy == ContainerRequest.RootlessUser.ROOT)) {
      return User.ROOT;
    }
    String[] parts = spec.get().split(":", 2);
    long uid;
    long gid;
    if (parts[0].matches("[0-9]+")) {
      uid = Long.parseLong(parts[0]);
      gid =
          parts.length == 1
              ? lookup(image, "etc/passwd", 2, parts[0])
                  .map(f -> Long.parseLong(f.get(3)))
                  .orElse(uid)
              : 0;
    } else {
      List<String> entry =
          lookup(image, "etc/passwd", 0, parts[0])
              .orElseThrow(
                  () ->
                      new MrtException(
                          "image "
                              + image.name()
                              + " runs as user '"
                              + parts[0]
                              + "', which its /etc/passwd does not define; fix the image's User"));
      uid = Long.parseLong(entry.get(2));
      gid = Long.parseLong(entry.get(3));
    }
    if (parts.length == 2) {
      if (parts[1].matches("[0-9]+")) {
        gid = Long.parseLong(parts[1]);
      } else {
        gid =
            lookup(image, "etc/group", 0, parts[1])
                .map(f -> Long.parseLong(f.get(2)))
                .orElseThrow(
                    () ->
                        new MrtException(
                            "image "
                                + image.name()
                                + " runs as group '"
                                + parts[1]
                                + "', which its /etc/group does not define; fix the image's User"));
      }
    }
    if (rootless && (uid != 0 || gid != 0)) {
      throw new MrtException(
          "image "
              + image.name()
              + " runs as user "
              + spec.get()
              + " ("
              + uid
              + ":"
              + gid
              + "), but rootless containers have only root (0:0); run mrt as root or use"
              + " an image whose User is root");
    }
    return new User(uid, gid);
  }

  /** The colon-separated fields of the line whose field {@code key} is {@code value}. */
  private static Optional<List<String>> lookup(
      PreparedImage image, String file, int key, String value) {
    Path path = image.rootfs().resolve(file);
    // A symlinked /etc/passwd could point at the host's: such an image defines no names.
    if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
        || Files.isSymbolicLink(path.getParent())) {
      return Optional.empty();
    }
    try {
      return Files.readAllLines(path).stream()
          .map(l -> List.of(l.split(":", -1)))
          .filter(
              f ->
                  f.size() >= 4
                      && f.get(key).equals(value)
                      && f.get(2).matches("[0-9]+")
                      && (!file.endsWith("passwd") || f.get(3).matches("[0-9]+")))
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
