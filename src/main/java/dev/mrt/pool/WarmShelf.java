package dev.mrt.pool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Which warm containers are kept, under which key: at most a wanted number per key and a bound in
 * all, the least recently used key giving way first; a group whose key changes (its image or
 * settings did) gives up the old key's. Bookkeeping only: starting and discarding containers is the
 * caller's, which is why every method returns what to discard.
 *
 * @param <K> what jobs must share to take each other's containers
 * @param <W> a warm container
 */
final class WarmShelf<K, W> {

  /** A container being started, or ready since {@code readyAt} (nanoTime). */
  static final class Entry<W> {
    final CompletableFuture<W> container = new CompletableFuture<>();
    final String group;
    volatile long readyAt;

    Entry(String group) {
      this.group = group;
    }

    boolean ready() {
      return container.isDone() && !container.isCompletedExceptionally();
    }
  }

  /** What {@link #plan} decided: how many to start for the key, and which to discard. */
  record Plan<W>(int start, List<Entry<W>> discard) {}

  private final int max;

  /** In access order: the first key is the least recently used. */
  private final LinkedHashMap<K, Deque<Entry<W>>> byKey = new LinkedHashMap<>(16, 0.75f, true);

  private final Map<String, K> keyOfGroup = new HashMap<>();
  private int total;

  WarmShelf(int max) {
    this.max = max;
  }

  /** The best container for the key: a ready one, else the one started first; empty if none. */
  synchronized Optional<Entry<W>> take(K key) {
    Deque<Entry<W>> entries = byKey.get(key);
    if (entries == null || entries.isEmpty()) {
      return Optional.empty();
    }
    Entry<W> pick = entries.stream().filter(Entry::ready).findFirst().orElse(entries.peekFirst());
    entries.remove(pick);
    total--;
    return Optional.of(pick);
  }

  /**
   * How to have {@code want} containers for the key after a job of {@code group} used it: the
   * entries to add are created here (and must be started by the caller), what has to go for them is
   * returned.
   */
  synchronized Plan<W> plan(String group, K key, int want, List<Entry<W>> added) {
    List<Entry<W>> discard = new ArrayList<>();
    K previous = keyOfGroup.put(group, key);
    if (previous != null && !previous.equals(key) && !keyOfGroup.containsValue(previous)) {
      discard.addAll(removeKey(previous));
    }
    Deque<Entry<W>> entries = byKey.computeIfAbsent(key, k -> new ArrayDeque<>());
    int start = Math.max(0, Math.min(want, max) - entries.size());
    while (total + start > max && evictOther(key, discard)) {
      // evictOther freed one
    }
    start = Math.max(0, Math.min(start, max - total));
    for (int i = 0; i < start; i++) {
      Entry<W> e = new Entry<>(group);
      entries.addLast(e);
      added.add(e);
      total++;
    }
    return new Plan<>(start, discard);
  }

  /** Forgets an entry that failed to start or was discarded by its own key's owner. */
  synchronized void remove(Entry<W> entry) {
    for (Deque<Entry<W>> entries : byKey.values()) {
      if (entries.remove(entry)) {
        total--;
        return;
      }
    }
  }

  /** Ready entries older than {@code maxIdleNanos}: removed, to be discarded. */
  synchronized List<Entry<W>> expired(long now, long maxIdleNanos) {
    List<Entry<W>> out = new ArrayList<>();
    for (Deque<Entry<W>> entries : byKey.values()) {
      for (Iterator<Entry<W>> it = entries.iterator(); it.hasNext(); ) {
        Entry<W> e = it.next();
        if (e.ready() && now - e.readyAt > maxIdleNanos) {
          it.remove();
          total--;
          out.add(e);
        }
      }
    }
    byKey.values().removeIf(Deque::isEmpty);
    return out;
  }

  /** Everything, for shutdown. */
  synchronized List<Entry<W>> clear() {
    List<Entry<W>> out = new ArrayList<>();
    byKey.values().forEach(out::addAll);
    byKey.clear();
    keyOfGroup.clear();
    total = 0;
    return out;
  }

  /** Whether a container of the key is ready or being started. */
  synchronized boolean holds(K key) {
    Deque<Entry<W>> entries = byKey.get(key);
    return entries != null && !entries.isEmpty();
  }

  synchronized int size() {
    return total;
  }

  private List<Entry<W>> removeKey(K key) {
    Deque<Entry<W>> entries = byKey.remove(key);
    if (entries == null) {
      return List.of();
    }
    total -= entries.size();
    return new ArrayList<>(entries);
  }

  /** Drops the oldest entry of the least recently used other key; false when there is none. */
  private boolean evictOther(K keep, List<Entry<W>> discard) {
    for (Map.Entry<K, Deque<Entry<W>>> e : byKey.entrySet()) {
      if (!e.getKey().equals(keep) && !e.getValue().isEmpty()) {
        discard.add(e.getValue().pollFirst());
        total--;
        return true;
      }
    }
    return false;
  }
}
