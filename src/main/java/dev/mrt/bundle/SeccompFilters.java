package dev.mrt.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mrt.IoErrors;
import dev.mrt.MrtException;
import dev.mrt.bundle.oci.Spec;
import dev.mrt.host.FileTrees;
import dev.mrt.image.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Seccomp filters compiled once: runc compiles a container's filter every time it starts one, which
 * is most of its CPU for a short job (measured here: `runc run` of `true` 38 ms with podman's
 * profile, 22 ms without). mrt's helper compiles it with the same libseccomp calls ({@link
 * SeccompRules}) into {@code <helper dir>/seccomp/<sha256>.bpf}, which containers see read-only
 * under the helper's mount; the helper loads it just before it execs the job (see mrt-handoff.c),
 * in warm containers and in those made for their job alike. A profile that cannot be compiled so
 * stays with runc.
 */
final class SeccompFilters {
  private static final Logger LOG = Logger.getLogger(SeccompFilters.class);
  private static final Duration COMPILE_PATIENCE = Duration.ofSeconds(30);
  private static final String DIR = "seccomp";

  /** A cBPF instruction: code, jt, jf, k. */
  private static final int INSTRUCTION_BYTES = 8;

  private final HandoffHelper helper;

  /**
   * Where the filter for some rules is, or goes: {@code name} relative to the helper's directory
   * {@code helperDir}, looked up once, so a start needs no second look.
   */
  record Compiled(Path helperDir, String name) {
    /** The filter of {@code rules}, named by their digest, for the helper in {@code helperDir}. */
    static Compiled of(Path helperDir, Digest rules) {
      return new Compiled(helperDir, DIR + "/" + rules.hex() + ".bpf");
    }

    Path file() {
      return helperDir.resolve(name);
    }

    /** {@code job} started through the helper, which loads this filter. */
    Spec start(Spec job) {
      return WarmSpec.execViaHelper(job, helperDir, name);
    }
  }

  /**
   * By profile instance, the compiled filter, or empty: SeccompPolicy hands out one per setting, so
   * a start need not write and hash the rules again (identity, as a deep hash would cost as much).
   * Two settings with the same rules share the one file on disk.
   */
  private final Map<JsonNode, Optional<Compiled>> byProfile =
      Collections.synchronizedMap(new IdentityHashMap<>());

  SeccompFilters(HandoffHelper helper) {
    this.helper = helper;
  }

  /**
   * The spec a container made for its job starts with: with the job's filter compiled, mrt's helper
   * loads it and execs the job in its place, and runc compiles none; else the job's own.
   */
  Spec freshStart(Spec job) {
    return forJob(job).map(c -> c.start(job)).orElse(job);
  }

  /**
   * The compiled filter for a job's seccomp profile; empty when the job has none, or runc must load
   * it (see {@link SeccompRules}), or it did not compile (logged once per profile).
   */
  Optional<Compiled> forJob(Spec job) {
    if (job.linux().seccomp() == null || !helperMayLoad(job)) {
      return Optional.empty();
    }
    return byProfile.computeIfAbsent(
        job.linux().seccomp(),
        profile ->
            SeccompRules.of(profile).flatMap(rules -> compile(rules, SeccompRules.digest(rules))));
  }

  /**
   * The start of a job whose rules are known by digest (the default profile's, which the build
   * recorded): through mrt's helper, with no profile read. Not compiled yet, the filter is compiled
   * from {@code recordedText} when that is indeed the text of those rules. Empty otherwise; the
   * caller then takes the profile's way, {@link #freshStart}, which compiles it or says why not.
   */
  Optional<Spec> precompiledStart(Spec job, Digest rules, Supplier<Optional<String>> recordedText) {
    if (!helperMayLoad(job)) {
      return Optional.empty();
    }
    Compiled compiled;
    try {
      compiled = Compiled.of(helper.handoff().getParent(), rules);
    } catch (MrtException e) {
      return Optional.empty(); // the profile's way says why, once
    }
    if (Files.isRegularFile(compiled.file())) {
      return Optional.of(compiled.start(job));
    }
    return recordedText
        .get()
        .filter(text -> SeccompRules.digest(text).equals(rules))
        .flatMap(text -> compile(text, rules))
        .map(c -> c.start(job));
  }

  /** Without no_new_privs runc loads the filter earlier, with privileges the job lacks. */
  private static boolean helperMayLoad(Spec job) {
    return job.process().noNewPrivileges();
  }

  private Optional<Compiled> compile(String rules, Digest digest) {
    Path binary;
    try {
      binary = helper.handoff();
    } catch (MrtException e) {
      return failed(digest, e.getMessage());
    }
    Compiled compiled = Compiled.of(binary.getParent(), digest);
    Path target = compiled.file();
    if (Files.isRegularFile(target)) {
      return Optional.of(compiled);
    }
    Path temp = null;
    Path errors = null;
    try {
      Files.createDirectories(target.getParent());
      temp = Files.createTempFile(target.getParent(), ".tmp-", ".bpf");
      errors = Files.createTempFile(target.getParent(), ".tmp-", ".err");
      // Files, not pipes: a helper that hangs cannot hold this thread past the patience.
      Process p =
          new ProcessBuilder(binary.toString(), "--compile-seccomp")
              .redirectOutput(temp.toFile())
              .redirectError(errors.toFile())
              .start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(rules.getBytes(StandardCharsets.UTF_8));
      }
      if (!p.waitFor(COMPILE_PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return failed(digest, "it took over " + COMPILE_PATIENCE.toSeconds() + "s");
      }
      long size = Files.size(temp);
      if (p.exitValue() != 0 || size == 0 || size % INSTRUCTION_BYTES != 0) {
        return failed(
            digest,
            "status "
                + p.exitValue()
                + ", "
                + size
                + " bytes: "
                + Files.readString(errors).strip());
      }
      Files.setAttribute(temp, "unix:mode", 0644);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return Optional.of(compiled);
    } catch (IOException e) {
      return failed(digest, IoErrors.describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } finally {
      for (Path file : Arrays.asList(temp, errors)) {
        if (file != null) {
          FileTrees.removeTree(file); // gone after the move; else a warning, and gc takes it
        }
      }
    }
  }

  private static Optional<Compiled> failed(Digest digest, String why) {
    LOG.warnf(
        "seccomp profile %s could not be compiled once (%s): runc compiles it in each"
            + " container instead",
        digest.hex().substring(0, 12), why);
    return Optional.empty();
  }
}
