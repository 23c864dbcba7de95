package dev.mrt.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {
  private static final String HEX = "a".repeat(64);

  @ParameterizedTest
  @CsvSource({
    "python:3.12-alpine, docker.io/library/python:3.12-alpine",
    "python, docker.io/library/python:latest",
    "docker://python, docker.io/library/python:latest",
    "user/app:1, docker.io/user/app:1",
    "a/b/c, docker.io/a/b/c:latest",
    "index.docker.io/library/debian:12, docker.io/library/debian:12",
    "docker.io/debian, docker.io/library/debian:latest",
    "registry-1.docker.io/debian:12, registry-1.docker.io/debian:12",
    "localhost/x, localhost/x:latest",
    "localhost:5000/x, localhost:5000/x:latest",
    "127.0.0.1:41234/busybox:v1, 127.0.0.1:41234/busybox:v1",
    "[::1]:5000/x:y, [::1]:5000/x:y",
    "quay.io/org/sub/image:v1.2_3-rc, quay.io/org/sub/image:v1.2_3-rc",
    "ghcr.io/a__b/c-d--e.f:T, ghcr.io/a__b/c-d--e.f:T",
    "Example.COM/x, Example.COM/x:latest",
  })
  void testParse_normalises(String input, String expected) {
    ImageReference r = ImageReference.parse(input);
    assertEquals(expected, r.toString());
    assertEquals(r, ImageReference.parse(r.toString()), "toString must round-trip");
  }

  @Test
  void testParse_digestOnlyAndBoth() {
    ImageReference pinned = ImageReference.parse("name@sha256:" + HEX);
    assertEquals("docker.io/library/name@sha256:" + HEX, pinned.toString());
    assertEquals(Optional.empty(), pinned.tag());
    assertEquals("sha256:" + HEX, pinned.manifestReference());
    ImageReference both = ImageReference.parse("r.io/n:t@sha256:" + HEX);
    assertEquals(Optional.of("t"), both.tag());
    assertEquals("sha256:" + HEX, both.manifestReference(), "the digest wins over the tag");
    assertEquals(both, ImageReference.parse(both.toString()));
  }

  @Test
  void testApiHostAndHost() {
    assertEquals("registry-1.docker.io", ImageReference.parse("python").apiHost());
    assertEquals("127.0.0.1:5000", ImageReference.parse("127.0.0.1:5000/x").apiHost());
    assertEquals("127.0.0.1", ImageReference.parse("127.0.0.1:5000/x").host());
    assertEquals("::1", ImageReference.parse("[::1]:5000/x").host());
    assertEquals("localhost", ImageReference.parse("localhost/x").host());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        ":tag",
        "upper/Case",
        "x:",
        "x@",
        "x@sha256:abc",
        "x@md5:a0",
        "x:-tag",
        "x:.tag",
        "host:port/x",
        "x//y",
        "x/",
        "/x",
        "-x",
        "x-",
        "x__ _y",
        "x:ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt",
        "r.io/n@sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "docker://",
        "a b",
        "localhost:5000/X",
        "r.io/x:tag:other",
      })
  void testParse_invalidNamesInput(String input) {
    ImageReference.InvalidReferenceException e =
        assertThrows(
            ImageReference.InvalidReferenceException.class, () -> ImageReference.parse(input));
    assertEquals(input, e.input());
    assertTrue(
        e.getMessage().startsWith("invalid image reference '" + input + "'"), e.getMessage());
  }

  @Test
  void testUseAsMapKey() {
    Map<ImageReference, String> m = Map.of(ImageReference.parse("python:3"), "x");
    assertEquals("x", m.get(ImageReference.parse("docker.io/library/python:3")));
  }

  @Test
  void testImageSource_kinds() {
    assertInstanceOf(ImageSource.Default.class, ImageSource.parse("default"));
    assertEquals(new ImageSource.Tarball(Path.of("x.tar.zst")), ImageSource.parse("x.tar.zst"));
    assertEquals(new ImageSource.Tarball(Path.of("/tmp/rootfs")), ImageSource.parse("/tmp/rootfs"));
    assertEquals(
        new ImageSource.OciLayout(Path.of("/d"), Optional.of("v1")),
        ImageSource.parse("oci:/d:v1"));
    assertEquals(
        new ImageSource.OciLayout(Path.of("/a:b/d"), Optional.empty()),
        ImageSource.parse("oci:/a:b/d"));
    assertEquals(
        new ImageSource.Registry(ImageReference.parse("python:3")), ImageSource.parse("python:3"));
  }
}
