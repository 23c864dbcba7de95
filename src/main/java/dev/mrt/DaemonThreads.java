package dev.mrt;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * mrt's background threads. All are daemons: the process ends when its main work does (a CLI
 * command returns, serve's shutdown completes), never because a pump, pool or probe is still
 * waiting; whatever must finish first is awaited explicitly. Each has a name that says its job, for
 * thread dumps and logs.
 */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** A factory whose threads are all called {@code name}. */
  public static ThreadFactory factory(String name) {
    return body -> daemon(name, body);
  }

  /** A factory whose threads are {@code prefix} followed by first, first + 1, and so on. */
  public static ThreadFactory numbered(String prefix, int first) {
    AtomicInteger next = new AtomicInteger(first);
    return body -> daemon(prefix + next.getAndIncrement(), body);
  }

  /** Starts {@code body} on a new daemon thread called {@code name}. */
  public static Thread start(String name, Runnable body) {
    Thread t = daemon(name, body);
    t.start();
    return t;
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }
}
