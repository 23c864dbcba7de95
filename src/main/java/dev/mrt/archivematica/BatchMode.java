package dev.mrt.archivematica;

import dev.mrt.IoErrors;
import dev.mrt.bundle.BindMount;
import dev.mrt.bundle.ContainerRequest;
import dev.mrt.host.FileTrees;
import dev.mrt.image.PreparedImage;
import dev.mrt.pool.CapturedOutput;
import dev.mrt.pool.ContainerPool;
import dev.mrt.pool.TaskOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * A whole batch in one container, through {@link BatchFiles}: an operator's batch runner, or the
 * archivematica runner, whose answer also says when the batch failed as a whole or never ran.
 */
final class BatchMode {
  private static final Logger LOG = Logger.getLogger(BatchMode.class);

  private final TaskContainers containers;
  private final ContainerPool pool;
  private final Tokens tokens;
  private final Path batchDirs;
  private final Clock clock;

  /** Functions whose runner could not start: logged once each, not once per batch. */
  private final Set<String> setupFailuresLogged = ConcurrentHashMap.newKeySet();

  BatchMode(
      TaskContainers containers, ContainerPool pool, Tokens tokens, Path batchDirs, Clock clock) {
    this.containers = containers;
    this.pool = pool;
    this.tokens = tokens;
    this.batchDirs = batchDirs;
    this.clock = clock;
  }

  /**
   * @param reservation the job's pool slot, taken by the batch's container if still held
   */
  CompletableFuture<BatchRun> submit(
      FunctionTable.Function f,
      PreparedImage image,
      Batch batch,
      ContainerPool.Reservation reservation) {
    Map<String, TaskResult> early = new LinkedHashMap<>();
    List<BatchFiles.Entry> entries = new ArrayList<>();
    for (Task t : batch.tasks()) {
      try {
        List<String> args = tokens.arguments(t);
        List<String> argv = new ArrayList<>(f.taskCommand());
        argv.addAll(args);
        entries.add(new BatchFiles.Entry(t, tokens.replace(t), args, argv));
      } catch (PayloadException e) {
        early.put(t.uuid(), containers.unsplittable(t, e));
      }
    }
    if (entries.isEmpty()) {
      return CompletableFuture.completedFuture(BatchRun.of(early));
    }
    Path dir;
    try {
      Files.createDirectories(batchDirs);
      dir = Files.createTempDirectory(batchDirs, "batch-");
      BatchFiles.writeTasks(dir, f.name(), f.module(), entries);
    } catch (IOException e) {
      entries.forEach(
          en ->
              early.put(
                  en.task().uuid(),
                  containers.failed(
                      1, "mrt: cannot write the batch file: " + IoErrors.describe(e))));
      return CompletableFuture.completedFuture(BatchRun.of(early));
    }
    ContainerRequest request =
        containers.request(
            f,
            f.command(),
            Map.of(
                "MRT_BATCH_TASKS", BatchFiles.MOUNT_POINT + "/" + BatchFiles.TASKS,
                "MRT_BATCH_RESULTS", BatchFiles.MOUNT_POINT + "/" + BatchFiles.RESULTS),
            List.of(BindMount.scratch(dir, BatchFiles.MOUNT_POINT)));
    return pool.submit(containers.poolTask(f, image, request), reservation)
        .outcome()
        .thenApply(o -> read(f, o, dir, entries, early))
        .whenComplete((r, e) -> FileTrees.removeTree(dir));
  }

  private BatchRun read(
      FunctionTable.Function f,
      TaskOutcome o,
      Path dir,
      List<BatchFiles.Entry> entries,
      Map<String, TaskResult> early) {
    TaskResult container = containers.result(o);
    Map<String, TaskResult> results = new LinkedHashMap<>(early);
    BatchFiles.Answer answer;
    String missing;
    try {
      answer = BatchFiles.readResults(dir);
      missing = "the batch runner reported no result for this task";
    } catch (IOException e) {
      answer = new BatchFiles.Answer(Map.of(), Optional.empty(), Optional.empty());
      missing =
          "the batch runner left no usable " + BatchFiles.RESULTS + " (" + e.getMessage() + ")";
    }
    if (answer.setupFailed().isPresent()) {
      String why = answer.setupFailed().get();
      if (setupFailuresLogged.add(f.name())) {
        LOG.errorf(
            "%s: no task can run in image %s: %s (logged once; every batch of %s fails"
                + " until this is fixed)",
            f.name(), f.image(), why, f.name());
      }
      entries.forEach(en -> results.put(en.task().uuid(), containers.failed(1, "mrt: " + why)));
      return BatchRun.of(results);
    }
    int limit = containers.settings().outputLimit();
    List<String> written = new ArrayList<>();
    for (BatchFiles.Entry en : entries) {
      String uuid = en.task().uuid();
      BatchFiles.Reported r = answer.results().get(uuid);
      if (r == null) {
        results.put(
            uuid,
            new TaskResult(
                container.exitCode() == 0 ? 1 : container.exitCode(),
                clock.instant(),
                container.stdout(),
                container.stderror() + "mrt: " + missing + "\n"));
        continue;
      }
      boolean capture = containers.settings().captureOutput();
      results.put(
          uuid,
          new TaskResult(
              r.exitCode(),
              r.endTime().orElseGet(clock::instant),
              capture ? CapturedOutput.of(r.stdout(), limit).text() : "",
              capture ? CapturedOutput.of(r.stderr(), limit).text() : ""));
      if (f.harness()) {
        written.add(uuid);
      }
    }
    return new BatchRun(results, Set.copyOf(written), answer.batchFailed());
  }
}
