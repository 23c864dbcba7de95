package dev.mrt.image.tar;

import java.io.ByteArrayOutputStream;
import java.util.Optional;

/**
 * The owner an image gave a file that a rootless unpack could not chown, as the value of the {@code
 * user.rootlesscontainers} xattr: the protobuf message {@code Resource { uint32 uid = 1; uint32 gid
 * = 2; }} of github.com/rootless-containers/proto, which umoci and others read and write. Two
 * varint fields do not justify a protobuf runtime, so it is encoded here.
 */
public record RootlessOwner(long uid, long gid) {

  /** The name for {@code UserDefinedFileAttributeView}, which adds the {@code user.} prefix. */
  public static final String XATTR = "rootlesscontainers";

  public RootlessOwner {
    if (uid < 0 || uid > 0xFFFF_FFFFL || gid < 0 || gid > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("uid and gid must fit in 32 bits: " + uid + ":" + gid);
    }
  }

  /** Empty for root:root, which the proto says to express by having no xattr at all. */
  public static Optional<RootlessOwner> of(long uid, long gid) {
    return uid == 0 && gid == 0 ? Optional.empty() : Optional.of(new RootlessOwner(uid, gid));
  }

  /** The proto3 wire form; fields equal to zero are left out, as proto3 does. */
  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(12);
    field(out, 1, uid);
    field(out, 2, gid);
    return out.toByteArray();
  }

  private static void field(ByteArrayOutputStream out, int number, long value) {
    if (value == 0) {
      return;
    }
    out.write(number << 3); // wire type 0: varint
    long v = value;
    while (v >= 0x80) {
      out.write((int) (v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.write((int) v);
  }
}
