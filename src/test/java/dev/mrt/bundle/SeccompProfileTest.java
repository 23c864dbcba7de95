package dev.mrt.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt.MrtException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SeccompProfileTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every rule naming the call, as action[/errno][+args]. */
  private static List<String> rulesFor(JsonNode seccomp, String call) {
    List<String> out = new ArrayList<>();
    for (JsonNode r : seccomp.get("syscalls")) {
      for (JsonNode n : r.get("names")) {
        if (n.asText().equals(call)) {
          out.add(
              r.get("action").asText()
                  + (r.has("errnoRet") ? "/" + r.get("errnoRet") : "")
                  + (r.has("args") ? "+args" : ""));
        }
      }
    }
    return out;
  }

  @Test
  void testDefault_podmansRulesForOurArchAndCapsPlusOurDenials() {
    JsonNode s = SeccompProfile.defaultFor("amd64", DefaultSpec.CAPABILITIES);
    assertEquals("SCMP_ACT_ERRNO", s.get("defaultAction").asText());
    assertEquals(
        "[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"]",
        s.get("architectures").toString());
    assertEquals(List.of("SCMP_ACT_ALLOW"), rulesFor(s, "read"));
    assertEquals(List.of("SCMP_ACT_ALLOW"), rulesFor(s, "arch_prctl"), "amd64 only");
    // Calls podman allows only with a capability our containers do not have.
    assertEquals(List.of("SCMP_ACT_ERRNO/1"), rulesFor(s, "perf_event_open"));
    assertEquals(List.of("SCMP_ACT_ERRNO/1"), rulesFor(s, "bpf"));
    assertEquals(List.of("SCMP_ACT_ERRNO/1"), rulesFor(s, "open_by_handle_at"));
    // mrt's own decisions, as the only rule for each call (libseccomp refuses two).
    for (String call : List.of("keyctl", "add_key", "request_key", "unshare", "setns")) {
      assertEquals(List.of("SCMP_ACT_ERRNO/1"), rulesFor(s, call), call);
    }
    assertEquals(List.of("SCMP_ACT_ALLOW+args"), rulesFor(s, "clone"));
    assertEquals(List.of("SCMP_ACT_ERRNO/38"), rulesFor(s, "clone3"));
    // Never in a default profile: kexec, userfaultfd.
    assertFalse(rulesFor(s, "kexec_load").contains("SCMP_ACT_ALLOW"));
    assertFalse(rulesFor(s, "userfaultfd").contains("SCMP_ACT_ALLOW"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"amd64", "arm64"})
  void testDefaultRulesDigest_theBuildRecordedWhatTheCodeComputes(String arch) {
    // Recorded by src/build/SeccompDigests.java at process-classes: a start trusts it to name the
    // compiled filter, so a profile or rule change without a rebuild must fail here.
    assertEquals(
        Optional.of(DefaultSeccompRules.computedDigest(arch)),
        DefaultSeccompRules.recordedDigest(arch),
        "target/classes/"
            + DefaultSeccompRules.digestResource(arch)
            + " is missing or stale: ./mvnw process-classes rewrites it");
    // A first start compiles this text, and names the filter by the digest above.
    assertEquals(
        Optional.of(DefaultSeccompRules.computedText(arch)),
        DefaultSeccompRules.recordedText(arch),
        "target/classes/"
            + DefaultSeccompRules.textResource(arch)
            + " is missing or stale: ./mvnw process-classes rewrites it");
  }

  @Test
  void testDefault_arm64GetsItsOwnArchitectures() {
    JsonNode s = SeccompProfile.defaultFor("arm64", DefaultSpec.CAPABILITIES);
    assertEquals("[\"SCMP_ARCH_AARCH64\",\"SCMP_ARCH_ARM\"]", s.get("architectures").toString());
    assertEquals(List.of(), rulesFor(s, "arch_prctl"));
  }

  @Test
  void testFromFile_badProfileNamesTheFile(@TempDir Path dir) throws IOException {
    Path bad = Files.writeString(dir.resolve("p.json"), "{\"syscalls\": []}");
    MrtException e =
        assertThrows(
            MrtException.class,
            () -> SeccompProfile.fromFile(bad, "amd64", DefaultSpec.CAPABILITIES));
    assertEquals(
        "seccomp profile "
            + bad
            + " has no defaultAction or syscalls; give a"
            + " docker/podman seccomp.json",
        e.getMessage());
    Path ok =
        Files.writeString(
            dir.resolve("ok.json"),
            "{\"defaultAction\": \"SCMP_ACT_ALLOW\","
                + " \"syscalls\": [{\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ERRNO\"}]}");
    JsonNode s = SeccompProfile.fromFile(ok, "amd64", DefaultSpec.CAPABILITIES);
    assertEquals(List.of("SCMP_ACT_ERRNO"), rulesFor(s, "ptrace"));
    assertTrue(rulesFor(s, "keyctl").isEmpty(), "an operator's profile is taken as it is");
    assertEquals(JSON.readTree("[\"SCMP_ARCH_X86_64\"]"), s.get("architectures"));
  }
}
