package dev.mrt.runtime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A job given to a container that was started before it (a warm container): what runc would have
 * set from config.json had the job been known then. The waiting process ({@code mrt-handoff}, or
 * the archivematica runner's {@code --warm}) first writes {@link #READY} on its stdout, then reads
 * this from its stdin: the payload's length in ASCII decimal, {@code \n}, then NUL-terminated
 * fields: cwd, the argument count, the arguments, then {@code KEY=VALUE} environment entries.
 * Whatever follows on stdin is the job's own input.
 */
public record JobHandOff(String cwd, List<String> args, List<String> env) {

  /** What a waiting process says once namespaces, mounts and limits are in place. */
  public static final String READY = "mrt-ready\n";

  public JobHandOff {
    args = List.copyOf(args);
    env = List.copyOf(env);
    if (args.isEmpty()) {
      throw new IllegalArgumentException("a hand-off needs a command");
    }
    for (String field : concat(cwd, args, env)) {
      if (field.indexOf('\0') >= 0) {
        // The spec would refuse it too: a C string cannot hold NUL.
        throw new IllegalArgumentException("NUL in a job's cwd, argument or environment");
      }
    }
  }

  /** The bytes written to the waiting process's stdin. */
  public byte[] encode() {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    for (String field : concat(cwd, List.of(Integer.toString(args.size())), args, env)) {
      payload.writeBytes(field.getBytes(StandardCharsets.UTF_8));
      payload.write(0);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.size() + 12);
    out.writeBytes((payload.size() + "\n").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(payload.toByteArray());
    return out.toByteArray();
  }

  @SafeVarargs
  private static List<String> concat(String first, List<String>... rest) {
    List<String> all = new ArrayList<>();
    all.add(first);
    for (List<String> l : rest) {
      all.addAll(l);
    }
    return all;
  }
}
