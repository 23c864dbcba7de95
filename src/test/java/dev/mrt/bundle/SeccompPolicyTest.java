package dev.mrt.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.MrtException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeccompPolicyTest {
  @TempDir Path dir;

  @Test
  void testProfile_requestWinsOverTheFallback() throws Exception {
    SeccompPolicy policy = new SeccompPolicy("default");
    assertTrue(policy.profile(Optional.empty()).isPresent());
    assertEquals(Optional.empty(), policy.profile(Optional.of("unconfined")));
    // Converted once per setting, not per container.
    assertSame(
        policy.profile(Optional.empty()).get(), policy.profile(Optional.of(" default ")).get());
    Path file =
        Files.writeString(
            dir.resolve("p.json"), "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[]}");
    assertEquals(
        "SCMP_ACT_ALLOW",
        policy.profile(Optional.of(file.toString())).get().get("defaultAction").asText());
    assertEquals(Optional.empty(), new SeccompPolicy("unconfined").profile(Optional.empty()));
  }

  @Test
  void testKnownRules_onlyForTheDefaultProfile() throws Exception {
    SeccompPolicy policy = new SeccompPolicy("default");
    String arch = System.getProperty("os.arch").equals("aarch64") ? "arm64" : "amd64";
    assertEquals(
        Optional.of(DefaultSeccompRules.computedDigest(arch)), policy.knownRules(Optional.empty()));
    assertEquals(Optional.of(DefaultSeccompRules.computedText(arch)), policy.knownRulesText());
    assertEquals(Optional.empty(), policy.knownRules(Optional.of("unconfined")));
    Path file =
        Files.writeString(
            dir.resolve("p.json"), "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[]}");
    assertEquals(Optional.empty(), policy.knownRules(Optional.of(file.toString())));
    assertEquals(Optional.empty(), new SeccompPolicy(file.toString()).knownRules(Optional.empty()));
  }

  @Test
  void testProfile_aBadFallbackStopsConstruction() {
    MrtException e = assertThrows(MrtException.class, () -> new SeccompPolicy("/no/such.json"));
    assertEquals(
        "cannot read seccomp profile /no/such.json (/no/such.json: no such file or"
            + " directory); give a docker/podman seccomp.json, or default or unconfined",
        e.getMessage());
  }

  @Test
  void testDescribe_saysWhatContainersGetByDefault() {
    assertEquals(
        "seccomp: none (mrt.container.seccomp=unconfined)",
        new SeccompPolicy("unconfined").describe());
    assertTrue(new SeccompPolicy("default").describe().startsWith("seccomp: podman's default"));
  }
}
