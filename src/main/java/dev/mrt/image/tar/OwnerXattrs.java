package dev.mrt.image.tar;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import org.jboss.logging.Logger;

/**
 * Rootless, files are owned by the unpacking user; the owner the image wanted is kept in the {@code
 * user.rootlesscontainers} xattr ({@link RootlessOwner}, as umoci does) where the file system
 * allows. One per unpacked root: after the first refusal nothing more is tried there. Symlinks
 * cannot carry user xattrs on Linux, so callers skip them. Safe on several threads.
 */
final class OwnerXattrs {
  private static final Logger LOG = Logger.getLogger(OwnerXattrs.class);

  private final Path root;
  private volatile boolean supported = true;

  OwnerXattrs(Path root) {
    this.root = root;
  }

  /** Records {@code uid:gid} on {@code target} itself; 0:0 is recorded by having no xattr. */
  void record(long uid, long gid, Path target) {
    if (!supported) {
      return;
    }
    RootlessOwner.of(uid, gid)
        .ifPresent(
            owner -> {
              try {
                Files.getFileAttributeView(
                        target, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .write(RootlessOwner.XATTR, ByteBuffer.wrap(owner.encode()));
              } catch (IOException | UnsupportedOperationException e) {
                supported = false;
                LOG.debugf("not recording image owners in %s: %s", root, e);
              }
            });
  }
}
