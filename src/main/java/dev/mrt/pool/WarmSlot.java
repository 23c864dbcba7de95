package dev.mrt.pool;

import dev.mrt.DaemonThreads;
import dev.mrt.MrtException;
import dev.mrt.bundle.Container;
import dev.mrt.bundle.WarmStartException;
import dev.mrt.runtime.ContainerExit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToIntFunction;
import org.jboss.logging.Logger;

/**
 * Runs each task in a container started before it, when one is ready or being started for its key,
 * and keeps the next one coming: a task then pays for handing its command over, not for creating
 * namespaces, mounts and limits. Every task still gets a container no other task used. Without one
 * (the first task of a key, a burst larger than the warm count), the task gets a fresh container as
 * {@link FreshContainerSlot} makes it.
 */
public final class WarmSlot<K, W> implements Slot {
  private static final Logger LOG = Logger.getLogger(WarmSlot.class);

  /** After a warm container of a key fails to start, fresh starts only, for this long. */
  private static final Duration FAILED_KEY_PAUSE = Duration.ofMinutes(1);

  /**
   * @param warm containers kept ready per group (function), 0 for none
   * @param max containers kept ready in all
   * @param idle a container ready for longer than this is discarded
   */
  public record Settings(ToIntFunction<String> warm, int max, Duration idle, int starters) {}

  private final FreshContainerSlot fresh;
  private final WarmStarter<K, W> starter;
  private final Settings settings;
  private final WarmListener listener;
  private final WarmShelf<K, W> shelf;
  private final ExecutorService starting;
  private final ScheduledExecutorService sweeper;
  private final Map<K, Long> failedUntil = new ConcurrentHashMap<>();
  private final Set<String> loggedFailures = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  public WarmSlot(
      FreshContainerSlot fresh,
      WarmStarter<K, W> starter,
      Settings settings,
      WarmListener listener) {
    this.fresh = fresh;
    this.starter = starter;
    this.settings = settings;
    this.listener = listener;
    this.shelf = new WarmShelf<>(settings.max());
    this.starting =
        Executors.newFixedThreadPool(settings.starters(), DaemonThreads.numbered("mrt-warm-", 1));
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("mrt-warm-sweep"));
    long every = Math.max(1000, Math.min(30_000, settings.idle().toMillis() / 4));
    sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
  }

  @Override
  public TaskOutcome run(PoolTask task, TaskControl control) {
    int want = closed ? 0 : settings.warm().applyAsInt(task.group());
    K key;
    try {
      key = want > 0 ? starter.key(task) : null;
    } catch (MrtException e) {
      return fresh.run(task, control); // which reports the same refusal
    }
    if (key == null) {
      return fresh.run(task, control);
    }
    long begin = System.nanoTime();
    Optional<W> waiting = take(key, task.group());
    if (waiting.isEmpty()) {
      refill(task, key, want);
      listener.miss(task.group());
      return fresh.run(task, control);
    }
    listener.hit(task.group(), Duration.ofNanos(System.nanoTime() - begin));
    // Starting the next container (runc, and a runner's Python and Django) takes the CPU this
    // task needs: measured, it doubled a one-task Archivematica batch on 2 cores. So while
    // another container of the key is ready or on its way for the next task, the refill
    // waits until this one has ended; the last one is replaced at once.
    boolean refillAfter = shelf.holds(key);
    if (!refillAfter) {
      refill(task, key, want);
    }
    try {
      return runWarm(task, key, control, waiting.get());
    } finally {
      if (refillAfter) {
        refill(task, key, want);
      }
    }
  }

  private TaskOutcome runWarm(PoolTask task, K key, TaskControl control, W w) {
    AtomicBoolean used = new AtomicBoolean();
    TaskOutcome outcome =
        FreshContainerSlot.run(
            task,
            control,
            stdio -> {
              try {
                Container c = starter.handOff(w, key, task, stdio);
                used.set(true);
                return c;
              } catch (WarmStartException e) {
                used.set(true); // it discarded itself
                listener.discarded(task.group(), "dead");
                LOG.debugf("%s; starting the task fresh", e.getMessage());
                return fresh.start(task, stdio);
              }
            });
    if (!used.get()) {
      // Killed before it started, or refused at hand-off: the container must not linger.
      listener.discarded(task.group(), "unused");
      starter.discard(w);
    }
    if (outcome.exit() instanceof ContainerExit.FailedToStart f) {
      // The helper could not exec the command (no job code ran): a fresh start reports it
      // exactly as it reports it for any task.
      LOG.debugf("warm start of a %s task: %s; starting it fresh", task.group(), f.reason());
      return fresh.run(task, control);
    }
    return outcome;
  }

  /** A ready container for the key, waiting for one being started if that is all there is. */
  private Optional<W> take(K key, String group) {
    while (true) {
      Optional<WarmShelf.Entry<W>> entry = shelf.take(key);
      if (entry.isEmpty()) {
        return Optional.empty();
      }
      try {
        W w = entry.get().container.get();
        if (starter.alive(w)) {
          return Optional.of(w);
        }
        listener.discarded(group, "dead");
        starter.discard(w);
      } catch (ExecutionException e) {
        // Its start failed; already logged by the starter thread. Try the next one.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
  }

  private void refill(PoolTask task, K key, int want) {
    if (closed) {
      return; // a task that ends during drain leaves no container behind it
    }
    Long until = failedUntil.get(key);
    if (until != null && System.nanoTime() < until) {
      return;
    }
    List<WarmShelf.Entry<W>> added = new ArrayList<>();
    WarmShelf.Plan<W> plan = shelf.plan(task.group(), key, want, added);
    plan.discard().forEach(e -> discardWhenStarted(e, "superseded"));
    for (WarmShelf.Entry<W> e : added) {
      try {
        starting.execute(() -> start(task, key, e));
      } catch (RejectedExecutionException closedMeanwhile) {
        shelf.remove(e);
        e.container.completeExceptionally(new WarmStartException("mrt is shutting down"));
      }
    }
  }

  private void start(PoolTask task, K key, WarmShelf.Entry<W> e) {
    if (closed) {
      shelf.remove(e);
      e.container.completeExceptionally(new WarmStartException("mrt is shutting down"));
      return;
    }
    try {
      W w = starter.start(task);
      e.readyAt = System.nanoTime();
      e.container.complete(w);
    } catch (RuntimeException ex) {
      shelf.remove(e);
      failedUntil.put(key, System.nanoTime() + FAILED_KEY_PAUSE.toNanos());
      if (loggedFailures.add(task.group() + "\0" + ex.getMessage())) {
        LOG.warnf(
            "warm start off for %s for %d s, its tasks start fresh (logged once): %s",
            task.group(), FAILED_KEY_PAUSE.toSeconds(), ex.getMessage());
      }
      e.container.completeExceptionally(ex);
    }
  }

  private void sweep() {
    for (WarmShelf.Entry<W> e : shelf.expired(System.nanoTime(), settings.idle().toNanos())) {
      discardWhenStarted(e, "expired");
    }
  }

  private void discardWhenStarted(WarmShelf.Entry<W> e, String reason) {
    e.container.whenComplete(
        (w, failure) -> {
          if (w != null) {
            listener.discarded(e.group, reason);
            starter.discard(w);
          }
        });
  }

  /** Stops starting containers and discards the waiting ones: drain and shutdown. */
  @Override
  public void close() {
    closed = true;
    sweeper.shutdownNow();
    starting.shutdown();
    for (WarmShelf.Entry<W> e : shelf.clear()) {
      discardWhenStarted(e, "shutdown");
    }
    try {
      starting.awaitTermination(70, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
