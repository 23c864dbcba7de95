package dev.mrt.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.MrtException;
import dev.mrt.bundle.oci.Spec;
import dev.mrt.image.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start of a job whose rules are known by digest: no profile, only the compiled file. */
class SeccompFiltersTest {
  private static final Digest RULES = Digest.sha256(new byte[] {1});

  @TempDir Path helperDir;

  private SeccompFilters filters() {
    return new SeccompFilters(() -> helperDir.resolve("mrt-handoff"));
  }

  @Test
  void testPrecompiledStart_loadsTheCompiledFileThroughTheHelper() throws Exception {
    Files.createDirectories(helperDir.resolve("seccomp"));
    Files.writeString(helperDir.resolve("seccomp/" + RULES.hex() + ".bpf"), "x");
    Spec job = SpecFixtures.rootless(ContainerRequest.of("true"));

    Spec started = filters().precompiledStart(job, RULES, Optional::empty).orElseThrow();

    assertEquals(
        List.of(
            "/run/mrt-handoff/mrt-handoff",
            "--exec",
            "/run/mrt-handoff/seccomp/" + RULES.hex() + ".bpf",
            "true"),
        started.process().args());
    assertNull(started.linux().seccomp(), "runc compiles nothing");
    assertTrue(
        started.mounts().stream().anyMatch(m -> m.source().equals(helperDir.toString())),
        started.mounts().toString());
  }

  @Test
  void testPrecompiledStart_notCompiledYetIsLeftToTheProfile() {
    Spec job = SpecFixtures.rootless(ContainerRequest.of("true"));
    assertEquals(Optional.empty(), filters().precompiledStart(job, RULES, Optional::empty));
  }

  @Test
  void testPrecompiledStart_notWithoutNoNewPrivilegesOrHelper() throws Exception {
    Files.createDirectories(helperDir.resolve("seccomp"));
    Files.writeString(helperDir.resolve("seccomp/" + RULES.hex() + ".bpf"), "x");
    Spec job = SpecFixtures.rootless(ContainerRequest.of("true"));
    Spec privileged =
        job.withProcess(
            new dev.mrt.bundle.oci.Process(
                false,
                job.process().user(),
                job.process().args(),
                job.process().env(),
                job.process().cwd(),
                job.process().capabilities(),
                false));
    assertEquals(Optional.empty(), filters().precompiledStart(privileged, RULES, Optional::empty));

    SeccompFilters noHelper =
        new SeccompFilters(
            () -> {
              throw new MrtException("no helper in this jar");
            });
    assertEquals(Optional.empty(), noHelper.precompiledStart(job, RULES, Optional::empty));
  }

  @Test
  void testPrecompiledStart_compilesTheRecordedRulesOnFirstUse() throws Exception {
    // Stands in for mrt-handoff --compile-seccomp: one 8-byte instruction for any rules.
    Path fake = helperDir.resolve("mrt-handoff");
    Files.writeString(fake, "#!/bin/sh\ncat >/dev/null; printf 'instruct'\n");
    Files.setAttribute(fake, "unix:mode", 0755);
    String text = "default ALLOW 0\n";
    Digest digest = SeccompRules.digest(text);
    Spec job = SpecFixtures.rootless(ContainerRequest.of("true"));

    assertEquals(
        Optional.empty(),
        filters().precompiledStart(job, digest, () -> Optional.of("default KILL_PROCESS 0\n")),
        "rules that are not the digest's are not compiled under its name");
    assertFalse(Files.exists(helperDir.resolve("seccomp/" + digest.hex() + ".bpf")));

    Spec started = filters().precompiledStart(job, digest, () -> Optional.of(text)).orElseThrow();

    assertEquals(
        "instruct", Files.readString(helperDir.resolve("seccomp/" + digest.hex() + ".bpf")));
    assertEquals("--exec", started.process().args().get(1));
  }
}
