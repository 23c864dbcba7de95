package dev.mrt.image.tar;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * OCI whiteouts, for layers only (image-spec layer.md): {@code .wh.NAME} removes NAME of lower
 * layers, {@code .wh..wh..opq} empties its directory of them. A whiteout's directory is checked
 * like any entry's parents, so it can never delete through a symlink.
 */
final class Whiteouts {
  private static final String PREFIX = ".wh.";
  private static final String OPAQUE = ".wh..wh..opq";

  private final Path root;
  private final EntryWriter writer;
  private final Cursor at;

  /** Paths this layer wrote: an opaque whiteout hides lower layers only, never them. */
  private final Set<Path> writtenThisLayer = new HashSet<>();

  Whiteouts(Path root, EntryWriter writer, Cursor at) {
    this.root = root;
    this.writer = writer;
    this.at = at;
  }

  /** Whether an entry whose last component is {@code base} is a whiteout. */
  static boolean isWhiteout(String base) {
    return base.startsWith(PREFIX);
  }

  /** Before each layer. */
  void startLayer() {
    writtenThisLayer.clear();
  }

  /** This layer's entry wrote {@code target}. */
  void written(Path target) {
    writtenThisLayer.add(target);
  }

  /** Applies the whiteout {@code base} in {@code dir}; a missing directory has nothing to hide. */
  void apply(Path dir, String base) {
    if (!dir.equals(root) && writer.lstat(dir) == null) {
      return;
    }
    writer.paths().ensureRealDirectory(dir, false);
    try {
      if (base.equals(OPAQUE)) {
        try (Stream<Path> children = Files.list(dir)) {
          for (Path child : (Iterable<Path>) children::iterator) {
            if (!writtenThisLayer.contains(child)) {
              writer.removeTree(child);
            }
          }
        }
      } else {
        String name = base.substring(PREFIX.length());
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")) {
          throw at.unsafe("is a whiteout of '" + name + "', which is not a name in its directory");
        }
        writer.removeTree(dir.resolve(name));
      }
    } catch (IOException e) {
      throw at.destination(dir, e);
    }
  }
}
