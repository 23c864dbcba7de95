package dev.mrt.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Kills this process's containers the moment it is gone, however it ends: a kill -9 or a crash
 * gives no JVM code a chance to run, and a foreground runc left behind keeps its job running.
 *
 * <p>A small shell process holds the read end of a pipe whose write end only this JVM has (Java
 * closes every other descriptor in the processes it starts). When the JVM exits, the kernel closes
 * that end, the shell reads end-of-file and deletes, through runc, each container whose id carries
 * this process's prefix: the container's init dies and its PID namespace with it. Unlike a
 * parent-death signal it does not depend on which thread started runc, and it needs nothing inside
 * the image.
 */
public final class OrphanGuard implements AutoCloseable {
  /**
   * $1 runc, $2 runc's state root, $3 the id prefix, $4 the bundles directory. Signals are ignored
   * so that a Ctrl-C to the terminal's process group leaves the guard to do its work.
   */
  static final String SCRIPT =
      """
      trap '' INT TERM HUP QUIT
      cat >/dev/null
      end() {
        "$1" --root "$2" kill "$3" KILL >/dev/null 2>&1
        "$1" --root "$2" delete --force "$3" >/dev/null 2>&1
        for pidfile in "$4/$3"/*.pid; do
          [ -f "$pidfile" ] && kill -9 "$(cat "$pidfile")" 2>/dev/null
        done
        rm -rf -- "$4/$3"
      }
      # runc keeps one directory per container under its state root, named by the id: a glob
      # finds ours without starting runc (`runc list`) when, as after a clean exit, none is left.
      for dir in "$2/$3"*; do
        [ -d "$dir" ] && end "$1" "$2" "${dir##*/}" "$4"
      done
      # A container still being created (a warm one started ahead of its task) is not listed
      # yet, but its bundle is there: only then, give its runc a moment and end it by its
      # bundle. Waiting when nothing is left would keep this process (and so the service
      # user) alive past the service's stop.
      set -- "$1" "$2" "$3" "$4" "$4/$3"*
      if [ -d "$5" ]; then
        sleep 1
        for dir in "$4/$3"*; do
          [ -d "$dir" ] && end "$1" "$2" "${dir##*/}" "$4"
        done
      fi
      """;

  /** Long enough for the guard to end a container left behind (kill, delete, its 1 s wait). */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(3);

  private final Process shell;

  /** Held for the life of the JVM: were it collected, its cleaner would close the pipe. */
  private final OutputStream lifeline;

  private OrphanGuard(Process shell) {
    this.shell = shell;
    this.lifeline = shell.getOutputStream();
  }

  /**
   * Starts the guard for containers named {@code prefix*} under {@code runc}'s state root.
   *
   * @param bundles where their bundle directories are (named as the containers), also removed
   */
  public static OrphanGuard start(Runc runc, String prefix, Path bundles) {
    List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", SCRIPT, "mrt-orphan-guard"));
    cmd.add(runc.binary().toString());
    cmd.add(runc.stateRoot().toString());
    cmd.add(prefix);
    cmd.add(bundles.toString());
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectOutput(Redirect.DISCARD)
              .redirectError(Redirect.DISCARD)
              .start();
      return new OrphanGuard(p);
    } catch (IOException e) {
      throw new RuntimeUnavailableException(Path.of("/bin/sh"), e);
    }
  }

  /** Whether the guard still watches (false only if someone killed it). */
  public boolean alive() {
    return shell.isAlive();
  }

  /** The guard's own pid, for tests that must outlive it on purpose. */
  public long pid() {
    return shell.pid();
  }

  /**
   * Ends the guard now; it cleans up whatever of ours is still there, and this waits for that (at
   * most {@link #CLOSE_WAIT}). Waiting matters at exit: while the guard lives, a JDK thread sits in
   * waitpid(), and the JVM's exit waits up to 300 ms for threads in native code (measured: `mrt run
   * -- true` spent 300 of its ~1000 ms there).
   */
  @Override
  public void close() {
    try {
      lifeline.close();
    } catch (IOException ignored) {
      // Closing a pipe whose reader is gone: nothing to tell anyone.
    }
    try {
      shell.waitFor(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
