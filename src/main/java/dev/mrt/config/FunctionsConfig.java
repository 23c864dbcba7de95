package dev.mrt.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Per-function overrides for {@code mrt serve}: {@code mrt.functions."<name>".image=...}, keyed by
 * the lowercased Gearman function name (quote it: names hold dots).
 */
@ConfigMapping(prefix = "mrt")
public interface FunctionsConfig {

  Map<String, Function> functions();

  /** A function's settings; its limits, each one unset, are those of mrt.container.*. */
  interface Function extends LimitSettings {
    /** The image this function's tasks run in. */
    Optional<String> image();

    /** Replaces mrt.archivematica.runner for this function. */
    Optional<ArchivematicaConfig.Runner> runner();

    /** Replaces mrt.archivematica.command for this function. */
    Optional<String> command();

    /** Added to (and overriding) mrt.archivematica.env. */
    Map<String, String> env();

    /** Kill each task after this long. */
    Optional<Duration> timeout();

    /** Warm containers kept for this function; else mrt.pool.warm. */
    OptionalInt warm();

    /** How many of this function's tasks may run at once (1 keeps it serial). */
    OptionalInt concurrency();

    /**
     * This function's network: none, host, private or HOST:PORT,...; else mrt.archivematica.network
     * (command functions) or the database plus mrt.archivematica.endpoints (the archivematica
     * runner).
     */
    Optional<String> network();

    /**
     * This function's seccomp filter: default, unconfined or a profile file; else
     * mrt.container.seccomp.
     */
    Optional<String> seccomp();

    /** {@code task}: a container per task; {@code batch}: one container for the whole batch. */
    @WithDefault("task")
    Mode mode();
  }

  enum Mode {
    /** A fresh container for every task (the default). */
    TASK,
    /** One container per batch, for tools that want all tasks in one process. */
    BATCH
  }
}
