package dev.mrt.api;

import dev.mrt.MrtException;
import dev.mrt.bundle.ContainerRequest;
import dev.mrt.config.ApiConfig;
import dev.mrt.config.PoolConfig;
import dev.mrt.image.ImageResolver;
import dev.mrt.image.PreparedImage;
import dev.mrt.network.Network;
import dev.mrt.pool.ContainerPool;
import dev.mrt.pool.PoolTask;
import dev.mrt.pool.TaskCancelledException;
import dev.mrt.pool.TaskHandle;
import dev.mrt.pool.TaskOutcome;
import dev.mrt.runtime.ContainerExit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Jobs submitted over HTTP: they go through the same pool as Gearman tasks, and are kept for a
 * while after they finish so a caller can fetch the result.
 */
@ApplicationScoped
public class JobStore {
  /** Pool group of HTTP jobs: they share the pool but have no limit of their own. */
  static final String GROUP = "api";

  private final ContainerPool pool;
  private final ImageResolver images;
  private final ApiConfig config;
  private final int outputLimit;
  private final Clock clock = Clock.systemUTC();
  private final Map<String, Job> jobs = new LinkedHashMap<>();

  private static final class Job {
    final String id;
    final TaskHandle handle;
    volatile Instant finishedAt;

    /**
     * The outcome, complete only once finishedAt is set: a view taken as the task ends never says
     * "done" without its end time.
     */
    final CompletableFuture<TaskOutcome> outcome;

    Job(String id, TaskHandle handle, Clock clock) {
      this.id = id;
      this.handle = handle;
      this.outcome = handle.outcome().whenComplete((o, e) -> finishedAt = clock.instant());
    }
  }

  public JobStore(
      ContainerPool pool, ImageResolver images, ApiConfig config, PoolConfig poolConfig) {
    this.pool = pool;
    this.images = images;
    this.config = config;
    this.outputLimit = poolConfig.outputLimit();
  }

  private boolean allowed(String image) {
    return config.allowedImages().stream()
        .anyMatch(
            a ->
                a.endsWith("*")
                    ? image.startsWith(a.substring(0, a.length() - 1))
                    : a.equals(image));
  }

  /**
   * Accepts a job if a slot is free or fewer than the queue limit wait already.
   *
   * @throws ProblemException 429 when the pool and the queue are full, 400 for a bad image
   */
  public String submit(JobRequest request) {
    if (!allowed(request.image())) {
      // Said before anything is resolved: the answer must not tell which host files exist.
      throw ProblemException.badField(
          "image",
          "image '"
              + request.image()
              + "' is not one API"
              + " jobs may use ("
              + String.join(", ", config.allowedImages())
              + "); an operator"
              + " adds it to mrt.api.allowed-images");
    }
    PreparedImage image;
    try {
      image = images.resolve(request.image());
    } catch (MrtException e) {
      throw ProblemException.badField("image", e.getMessage());
    }
    ContainerRequest container =
        new ContainerRequest(
            request.args(),
            request.env(),
            request.workdir(),
            Optional.empty(),
            Network.parse(config.network(), "mrt.api.network"),
            List.of());
    PoolTask task =
        new PoolTask(
            image,
            container,
            request.timeout(),
            GROUP,
            OptionalInt.empty(),
            outputLimit,
            request.stdin());
    String id = UUID.randomUUID().toString();
    synchronized (this) {
      evict();
      if (!pool.hasCapacity() && waiting() >= config.queueLimit()) {
        throw new ProblemException(
            Response.Status.TOO_MANY_REQUESTS,
            "all "
                + pool.size()
                + " container slots are busy and "
                + waiting()
                + " jobs wait already; retry later",
            null);
      }
      TaskHandle handle;
      try {
        handle = pool.submit(task);
      } catch (TaskCancelledException e) {
        throw new ProblemException(Response.Status.SERVICE_UNAVAILABLE, e.getMessage(), null);
      }
      jobs.put(id, new Job(id, handle, clock));
    }
    return id;
  }

  /** Waits up to {@code seconds} for the job to finish, then reports it as it stands. */
  public Optional<JobView> await(String id, long seconds) {
    Job job;
    synchronized (this) {
      job = jobs.get(id);
    }
    if (job == null) {
      return Optional.empty();
    }
    try {
      job.outcome.get(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Not finished in time, cancelled or failed: the view says which.
    }
    return Optional.of(view(job));
  }

  public synchronized Optional<JobView> get(String id) {
    return Optional.ofNullable(jobs.get(id)).map(this::view);
  }

  /** Cancels a waiting job or kills a running one. */
  public Optional<JobView> cancel(String id) {
    Job job;
    synchronized (this) {
      job = jobs.get(id);
    }
    if (job == null) {
      return Optional.empty();
    }
    if (!job.outcome.isDone()) {
      job.handle.cancel("cancelled by DELETE /v1/jobs/" + id);
    }
    return await(id, 15);
  }

  private JobView view(Job job) {
    Instant started = job.handle.startedAt().orElse(null);
    if (!job.outcome.isDone()) {
      return new JobView(
          job.id,
          started == null ? "queued" : "running",
          null,
          null,
          null,
          started,
          null,
          null,
          null,
          null);
    }
    TaskOutcome o;
    try {
      o = job.outcome.join();
    } catch (CompletionException e) {
      String why = e.getCause() == null ? e.toString() : e.getCause().getMessage();
      return new JobView(
          job.id, "cancelled", null, null, null, started, job.finishedAt, null, null, why);
    }
    ContainerExit exit = o.exit();
    String error = exit instanceof ContainerExit.FailedToStart f ? f.reason() : null;
    return new JobView(
        job.id,
        "done",
        exit.status(),
        o.stdout().text(),
        o.stderr().text(),
        started,
        job.finishedAt,
        exit instanceof ContainerExit.TimedOut,
        o.truncated(),
        error);
  }

  private long waiting() {
    return jobs.values().stream()
        .filter(j -> j.handle.startedAt().isEmpty() && !j.outcome.isDone())
        .count();
  }

  private void evict() {
    Instant cutoff = clock.instant().minus(config.retention());
    long finished = jobs.values().stream().filter(j -> j.finishedAt != null).count();
    for (Iterator<Job> it = jobs.values().iterator(); it.hasNext(); ) {
      Job j = it.next();
      if (j.finishedAt != null && (j.finishedAt.isBefore(cutoff) || finished > config.maxKept())) {
        it.remove();
        finished--;
      }
    }
  }
}
