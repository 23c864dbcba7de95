package dev.mrt.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt.bundle.oci.Mount;
import dev.mrt.bundle.oci.Spec;
import dev.mrt.network.Network;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WarmSpecTest {
  private static final SeccompProfileIds IDS = new SeccompProfileIds();

  private static final Set<String> SCRATCH = Set.of("/run/mrt-batch");

  private static ContainerRequest request(
      List<String> args, Map<String, String> env, String scratch) {
    return new ContainerRequest(
        args,
        env,
        Optional.of("/work"),
        Optional.empty(),
        Network.NONE,
        List.of(BindMount.scratch(Path.of(scratch), "/run/mrt-batch")));
  }

  @Test
  void testKey_helperJobsDifferingInCommandEnvCwdAndScratchShareIt() {
    Spec a = SpecFixtures.rootless(request(List.of("echo", "a"), Map.of("X", "1"), "/s/1"));
    Spec b =
        SpecFixtures.rootless(
            new ContainerRequest(
                List.of("ls"),
                Map.of("Y", "2"),
                Optional.of("/elsewhere"),
                Optional.empty(),
                Network.NONE,
                List.of(BindMount.scratch(Path.of("/s/2"), "/run/mrt-batch"))));
    assertEquals(WarmSpec.key(a, SCRATCH, true, IDS::of), WarmSpec.key(b, SCRATCH, true, IDS::of));
  }

  @Test
  void testKey_settingsThatTheContainerFixesMakeAnotherKey() {
    ContainerRequest base = request(List.of("echo"), Map.of(), "/s/1");
    String key = WarmSpec.key(SpecFixtures.rootless(base), SCRATCH, true, IDS::of);
    assertNotEquals(
        key,
        WarmSpec.key(
            SpecFixtures.rootless(
                base.withLimits(
                    Limits.parse(
                        Optional.of("64M"), Optional.empty(), OptionalLong.empty(), "test"))),
            SCRATCH,
            true,
            IDS::of),
        "memory limit");
    assertNotEquals(
        key, WarmSpec.key(SpecFixtures.rootful(base), SCRATCH, true, IDS::of), "rootful");
    assertNotEquals(
        key,
        WarmSpec.key(
            SpecFixtures.rootless(
                new ContainerRequest(
                    List.of("echo"),
                    Map.of(),
                    Optional.empty(),
                    Optional.empty(),
                    Network.NONE,
                    List.of(new BindMount(Path.of("/data"), "/data", true)))),
            SCRATCH,
            true,
            IDS::of),
        "mounts");
  }

  @Test
  void testKey_seccompProfileCountsByContentNotInstance() throws Exception {
    Spec job = SpecFixtures.rootless(request(List.of("echo"), Map.of(), "/s/1"));
    ObjectMapper json = new ObjectMapper();
    JsonNode profile = json.readTree("{\"defaultAction\":\"SCMP_ACT_ERRNO\"}");
    Spec a = job.withLinux(job.linux().withSeccomp(profile));
    Spec b = job.withLinux(job.linux().withSeccomp(profile.deepCopy()));
    Spec other =
        job.withLinux(
            job.linux().withSeccomp(json.readTree("{\"defaultAction\":\"SCMP_ACT_ALLOW\"}")));
    String key = WarmSpec.key(a, SCRATCH, true, IDS::of);
    assertEquals(key, WarmSpec.key(b, SCRATCH, true, IDS::of));
    assertNotEquals(key, WarmSpec.key(other, SCRATCH, true, IDS::of));
    Spec none = job.withLinux(job.linux().withSeccomp(null));
    assertNotEquals(key, WarmSpec.key(none, SCRATCH, true, IDS::of));
    assertFalse(key.contains("SCMP_ACT_ERRNO"), "the profile is named by its digest");
  }

  @Test
  void testKey_ownWarmCommandKeepsEnvironmentInTheKey() {
    Spec a = SpecFixtures.rootless(request(List.of("python3"), Map.of("X", "1"), "/s/1"));
    Spec b = SpecFixtures.rootless(request(List.of("python3"), Map.of("X", "2"), "/s/2"));
    assertNotEquals(
        WarmSpec.key(a, SCRATCH, false, IDS::of), WarmSpec.key(b, SCRATCH, false, IDS::of));
    assertEquals(WarmSpec.key(a, SCRATCH, true, IDS::of), WarmSpec.key(b, SCRATCH, true, IDS::of));
  }

  @Test
  void testWaiting_helperStartsWithNoEnvScratchOfItsOwnAndTheHelperMounted() {
    Spec job =
        SpecFixtures.rootless(request(List.of("echo", "a"), Map.of("SECRET", "s"), "/s/job"));
    Spec w =
        WarmSpec.waiting(
            job,
            Map.of("/run/mrt-batch", Path.of("/b/scratch-0")),
            List.of("/run/mrt-handoff/mrt-handoff"),
            Optional.of(new WarmSpec.Helper(Path.of("/cache/handoff/x"), "n0", Optional.empty())));
    assertEquals(List.of("/run/mrt-handoff/mrt-handoff"), w.process().args());
    assertEquals(
        List.of("MRT_HANDOFF_NONCE=n0"),
        w.process().env(),
        "a job's environment stays out of config.json");
    assertEquals("/", w.process().cwd());
    Mount scratch =
        w.mounts().stream()
            .filter(m -> m.destination().equals("/run/mrt-batch"))
            .findFirst()
            .orElseThrow();
    assertEquals("/b/scratch-0", scratch.source());
    Mount helper = w.mounts().get(w.mounts().size() - 1);
    assertEquals("/run/mrt-handoff", helper.destination());
    assertTrue(helper.options().contains("ro"), helper.options().toString());
    assertEquals(job.mounts().size() + 1, w.mounts().size());
    assertEquals(job.linux(), w.linux(), "namespaces, limits and seccomp are the job's");
  }

  @Test
  void testWaiting_compiledFilterGoesToTheHelperAndLeavesConfigJson() {
    Spec job =
        SpecFixtures.rootless(request(List.of("true"), Map.of(), "/s/job"))
            .withLinux(
                SpecFixtures.rootless(request(List.of("true"), Map.of(), "/s/job"))
                    .linux()
                    .withSeccomp(SeccompProfile.defaultFor("amd64", DefaultSpec.CAPABILITIES)));
    Spec w =
        WarmSpec.waiting(
            job,
            Map.of("/run/mrt-batch", Path.of("/b/scratch-0")),
            List.of("/run/mrt-handoff/mrt-handoff"),
            Optional.of(
                new WarmSpec.Helper(
                    Path.of("/cache/handoff/x"), "n0", Optional.of("seccomp/ab.bpf"))));
    assertEquals(
        List.of("MRT_HANDOFF_NONCE=n0", "MRT_HANDOFF_SECCOMP=/run/mrt-handoff/seccomp/ab.bpf"),
        w.process().env());
    assertEquals(null, w.linux().seccomp(), "runc must not compile it again");
    assertEquals(job.linux().withSeccomp(null), w.linux(), "the rest of linux is the job's");
  }

  @Test
  void testExecViaHelper_helperLoadsTheFilterThenExecsTheJobAsItsOwnSpecSays() {
    Spec plain = SpecFixtures.rootless(request(List.of("echo", "a b"), Map.of("X", "1"), "/s/1"));
    Spec job =
        plain.withLinux(
            plain
                .linux()
                .withSeccomp(SeccompProfile.defaultFor("amd64", DefaultSpec.CAPABILITIES)));
    Spec fresh = WarmSpec.execViaHelper(job, Path.of("/cache/handoff/x"), "seccomp/ab.bpf");
    assertEquals(
        List.of(
            "/run/mrt-handoff/mrt-handoff",
            "--exec",
            "/run/mrt-handoff/seccomp/ab.bpf",
            "echo",
            "a b"),
        fresh.process().args());
    assertEquals(job.process().env(), fresh.process().env(), "nothing of the helper's");
    assertEquals(job.process().cwd(), fresh.process().cwd());
    assertEquals(null, fresh.linux().seccomp(), "runc must not compile it again");
    assertEquals(job.linux().withSeccomp(null), fresh.linux());
    Mount last = fresh.mounts().get(fresh.mounts().size() - 1);
    assertEquals(Mount.bind("/cache/handoff/x", "/run/mrt-handoff", true), last);
    assertEquals(job.mounts(), fresh.mounts().subList(0, job.mounts().size()));
  }

  @Test
  void testHandOff_carriesTheJobsOwnCommandEnvironmentAndCwd() {
    Spec job = SpecFixtures.rootless(request(List.of("echo", "a"), Map.of("X", "1"), "/s/1"));
    var h = WarmSpec.handOff(job);
    assertEquals(job.process().args(), h.args());
    assertEquals(job.process().env(), h.env());
    assertEquals("/work", h.cwd());
  }
}
