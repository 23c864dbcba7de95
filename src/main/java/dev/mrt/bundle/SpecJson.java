package dev.mrt.bundle;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.mrt.JsonTrees;
import dev.mrt.bundle.oci.Capabilities;
import dev.mrt.bundle.oci.Hooks;
import dev.mrt.bundle.oci.IdMapping;
import dev.mrt.bundle.oci.Linux;
import dev.mrt.bundle.oci.Mount;
import dev.mrt.bundle.oci.Namespace;
import dev.mrt.bundle.oci.Process;
import dev.mrt.bundle.oci.Resources;
import dev.mrt.bundle.oci.Rlimit;
import dev.mrt.bundle.oci.Spec;
import java.io.IOException;
import java.util.List;

/**
 * Serialises specs exactly as runc reads them, field by field on jackson-core's generator: an
 * ObjectMapper would introspect every record of the spec on a CLI run's one use, ~30 ms of {@code
 * mrt run -- true} (see {@link JsonTrees}). The records' Jackson annotations still say what the
 * JSON is (names, what is left out when null or empty); SpecJsonTest holds this writer to what
 * ObjectMapper makes of them, byte for byte.
 */
public final class SpecJson {
  private SpecJson() {}

  /** Writes one value; a null one is never passed. */
  @FunctionalInterface
  private interface Writer<T> {
    void write(JsonGenerator g, T value) throws IOException;
  }

  public static String toJson(Spec spec) {
    return JsonTrees.pretty(g -> spec(g, spec)) + "\n";
  }

  private static void spec(JsonGenerator g, Spec s) throws IOException {
    g.writeStartObject();
    field(g, "ociVersion", s.ociVersion(), JsonGenerator::writeString);
    field(g, "process", s.process(), SpecJson::process);
    field(
        g,
        "root",
        s.root(),
        (o, r) -> {
          o.writeStartObject();
          field(o, "path", r.path(), JsonGenerator::writeString);
          o.writeBooleanField("readonly", r.readonly());
          o.writeEndObject();
        });
    field(g, "hostname", s.hostname(), JsonGenerator::writeString);
    list(g, "mounts", s.mounts(), false, SpecJson::mount);
    field(g, "linux", s.linux(), SpecJson::linux);
    field(g, "hooks", s.hooks(), SpecJson::hooks);
    g.writeEndObject();
  }

  private static void process(JsonGenerator g, Process p) throws IOException {
    g.writeStartObject();
    g.writeBooleanField("terminal", p.terminal());
    field(
        g,
        "user",
        p.user(),
        (o, u) -> {
          o.writeStartObject();
          o.writeNumberField("uid", u.uid());
          o.writeNumberField("gid", u.gid());
          o.writeEndObject();
        });
    list(g, "args", p.args(), false, JsonGenerator::writeString);
    list(g, "env", p.env(), false, JsonGenerator::writeString);
    field(g, "cwd", p.cwd(), JsonGenerator::writeString);
    field(g, "capabilities", p.capabilities(), SpecJson::capabilities);
    list(g, "rlimits", p.rlimits(), true, SpecJson::rlimit);
    g.writeBooleanField("noNewPrivileges", p.noNewPrivileges());
    g.writeEndObject();
  }

  private static void capabilities(JsonGenerator g, Capabilities c) throws IOException {
    g.writeStartObject();
    list(g, "bounding", c.bounding(), false, JsonGenerator::writeString);
    list(g, "effective", c.effective(), false, JsonGenerator::writeString);
    list(g, "permitted", c.permitted(), false, JsonGenerator::writeString);
    g.writeEndObject();
  }

  private static void rlimit(JsonGenerator g, Rlimit r) throws IOException {
    g.writeStartObject();
    field(g, "type", r.type(), JsonGenerator::writeString);
    g.writeNumberField("hard", r.hard());
    g.writeNumberField("soft", r.soft());
    g.writeEndObject();
  }

  private static void mount(JsonGenerator g, Mount m) throws IOException {
    g.writeStartObject();
    field(g, "destination", m.destination(), JsonGenerator::writeString);
    field(g, "type", m.type(), JsonGenerator::writeString);
    field(g, "source", m.source(), JsonGenerator::writeString);
    list(g, "options", m.options(), false, JsonGenerator::writeString);
    g.writeEndObject();
  }

  private static void linux(JsonGenerator g, Linux l) throws IOException {
    g.writeStartObject();
    list(g, "uidMappings", l.uidMappings(), true, SpecJson::idMapping);
    list(g, "gidMappings", l.gidMappings(), true, SpecJson::idMapping);
    list(g, "namespaces", l.namespaces(), false, SpecJson::namespace);
    list(g, "maskedPaths", l.maskedPaths(), false, JsonGenerator::writeString);
    list(g, "readonlyPaths", l.readonlyPaths(), false, JsonGenerator::writeString);
    field(g, "resources", l.resources(), SpecJson::resources);
    field(g, "seccomp", l.seccomp(), JsonTrees::write);
    g.writeEndObject();
  }

  private static void idMapping(JsonGenerator g, IdMapping m) throws IOException {
    g.writeStartObject();
    g.writeNumberField("containerID", m.containerId());
    g.writeNumberField("hostID", m.hostId());
    g.writeNumberField("size", m.size());
    g.writeEndObject();
  }

  private static void namespace(JsonGenerator g, Namespace n) throws IOException {
    g.writeStartObject();
    field(g, "type", n.type(), (o, t) -> o.writeString(t.json()));
    g.writeEndObject();
  }

  private static void resources(JsonGenerator g, Resources r) throws IOException {
    g.writeStartObject();
    field(
        g,
        "memory",
        r.memory(),
        (o, m) -> {
          o.writeStartObject();
          o.writeNumberField("limit", m.limit());
          field(o, "swap", m.swap(), (w, swap) -> w.writeNumber(swap.longValue()));
          o.writeEndObject();
        });
    field(
        g,
        "cpu",
        r.cpu(),
        (o, c) -> {
          o.writeStartObject();
          o.writeNumberField("quota", c.quota());
          o.writeNumberField("period", c.period());
          o.writeEndObject();
        });
    field(
        g,
        "pids",
        r.pids(),
        (o, p) -> {
          o.writeStartObject();
          o.writeNumberField("limit", p.limit());
          o.writeEndObject();
        });
    g.writeEndObject();
  }

  private static void hooks(JsonGenerator g, Hooks h) throws IOException {
    g.writeStartObject();
    list(
        g,
        "createRuntime",
        h.createRuntime(),
        true,
        (o, hook) -> {
          o.writeStartObject();
          field(o, "path", hook.path(), JsonGenerator::writeString);
          list(o, "args", hook.args(), false, JsonGenerator::writeString);
          o.writeNumberField("timeout", hook.timeout());
          o.writeEndObject();
        });
    g.writeEndObject();
  }

  /** A field, left out when null (every field of the spec is). */
  private static <T> void field(JsonGenerator g, String name, T value, Writer<T> writer)
      throws IOException {
    if (value != null) {
      g.writeFieldName(name);
      writer.write(g, value);
    }
  }

  /** An array field, left out when null, and when empty if {@code omitEmpty}. */
  private static <T> void list(
      JsonGenerator g, String name, List<T> values, boolean omitEmpty, Writer<T> element)
      throws IOException {
    if (values == null || (omitEmpty && values.isEmpty())) {
      return;
    }
    g.writeArrayFieldStart(name);
    for (T v : values) {
      element.write(g, v);
    }
    g.writeEndArray();
  }
}
