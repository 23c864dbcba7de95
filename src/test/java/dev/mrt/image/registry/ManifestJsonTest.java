package dev.mrt.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.image.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ManifestJsonTest {
  private static final String A = "sha256:" + "a".repeat(64);
  private static final String B = "sha256:" + "b".repeat(64);
  private static final String C = "sha256:" + "c".repeat(64);

  private static ManifestJson.Parsed parse(String json, String contentType) throws IOException {
    return ManifestJson.parse(json.getBytes(StandardCharsets.UTF_8), contentType);
  }

  private static String entry(String digest, String arch, String variant) {
    return "{\"mediaType\":\""
        + MediaTypes.OCI_MANIFEST
        + "\",\"digest\":\""
        + digest
        + "\",\"size\":10,\"platform\":{\"os\":\"linux\",\"architecture\":\""
        + arch
        + "\""
        + (variant == null ? "" : ",\"variant\":\"" + variant + "\"")
        + "}}";
  }

  @Test
  void testParse_umociManifestWithoutMediaTypeUsesContentType() throws IOException {
    ManifestJson.Parsed p =
        parse(
            "{\"schemaVersion\":2,\"config\":{\"digest\":\""
                + A
                + "\",\"size\":5},\"layers\":[{\"digest\":\""
                + B
                + "\",\"size\":7}]}",
            MediaTypes.OCI_MANIFEST + "; charset=utf-8");
    ManifestJson.Manifest m = assertInstanceOf(ManifestJson.Manifest.class, p);
    assertEquals(7, m.layers().get(0).size());
  }

  @Test
  void testSelect_platformFromIndex() throws IOException {
    ManifestJson.Index index =
        assertInstanceOf(
            ManifestJson.Index.class,
            parse(
                "{\"mediaType\":\""
                    + MediaTypes.DOCKER_LIST
                    + "\",\"manifests\":["
                    + entry(A, "amd64", null)
                    + ","
                    + entry(B, "arm", "v7")
                    + ","
                    + entry(C, "arm64", "v8")
                    + "]}",
                ""));
    assertEquals(
        A, ManifestJson.select(index, Platform.parse("linux/amd64")).get().digest().toString());
    assertEquals(
        C, ManifestJson.select(index, Platform.parse("linux/arm64")).get().digest().toString());
    assertEquals(
        B, ManifestJson.select(index, Platform.parse("linux/arm/v7")).get().digest().toString());
    assertEquals(Optional.empty(), ManifestJson.select(index, Platform.parse("linux/arm/v6")));
    assertEquals(Optional.empty(), ManifestJson.select(index, Platform.parse("linux/s390x")));
  }

  @Test
  void testParse_schema1Refused() {
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                parse(
                    "{\"schemaVersion\":1}",
                    "application/vnd.docker.distribution.manifest.v1+prettyjws"));
    assertTrue(e.getMessage().contains("schema1"), e.getMessage());
  }

  @Test
  void testConfig_readsRunSettingsAndDiffIds() throws IOException {
    var c =
        ManifestJson.config(
            ("{\"config\":{\"Env\":[\"A=1\"],\"Entrypoint\":[\"/e\"],"
                    + "\"Cmd\":[\"x\"],\"WorkingDir\":\"/w\",\"User\":\"1:2\"},\"rootfs\":{\"type\":\"layers\","
                    + "\"diff_ids\":[\""
                    + A
                    + "\"]}}")
                .getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("/e", "x"), c.command(List.of()));
    assertEquals(List.of("sh"), c.command(List.of("sh")));
    assertEquals(Optional.of("/w"), c.workingDir());
    assertEquals(Optional.of("1:2"), c.user());
    assertEquals(A, c.diffIds().get(0).toString());
  }
}
