package dev.mrt.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mrt.IoErrors;
import dev.mrt.JsonTrees;
import dev.mrt.MrtException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * A container's {@code linux.seccomp}, made from a profile in the docker/podman format (default
 * action, archMap, syscall rules with includes and excludes by arch and capability) the way podman
 * does, for one architecture and capability set. The default is podman's own profile as Debian
 * ships it, plus mrt's decisions (see resources/seccomp/README.md): no nested namespaces, no kernel
 * keyrings.
 */
public final class SeccompProfile {
  static final String DEFAULT_RESOURCE = "seccomp/containers-common.json";

  /** Trees made and read without an ObjectMapper: see {@link JsonTrees}. */
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** Denied whatever the profile allows: keyrings are not namespaced. */
  static final List<String> NO_KEYRINGS = List.of("keyctl", "add_key", "request_key");

  /** Denied so a job cannot make namespaces of its own (and get a full capability set there). */
  static final List<String> NO_NAMESPACES = List.of("unshare", "setns");

  /** CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET: clone with any is refused. */
  static final long CLONE_NAMESPACE_FLAGS = 0x7E020000L;

  private static final int EPERM = 1;
  private static final int ENOSYS = 38;

  private SeccompProfile() {}

  /** mrt's default profile for containers with these capabilities. */
  public static JsonNode defaultFor(String arch, Collection<String> caps) {
    try (InputStream in =
        SeccompProfile.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new MrtException("the jar has no " + DEFAULT_RESOURCE + "; rebuild it");
      }
      return withMrtRules(convert(JsonTrees.read(in), arch, caps, DEFAULT_RESOURCE));
    } catch (IOException e) {
      throw new MrtException("cannot read " + DEFAULT_RESOURCE + ": " + e.getMessage(), e);
    }
  }

  /**
   * An operator's profile file, converted the same way, without mrt's additions.
   *
   * @throws MrtException naming the file and what is wrong with it
   */
  public static JsonNode fromFile(Path file, String arch, Collection<String> caps) {
    try {
      return convert(JsonTrees.read(Files.readAllBytes(file)), arch, caps, file.toString());
    } catch (IOException e) {
      throw new MrtException(
          "cannot read seccomp profile "
              + file
              + " ("
              + IoErrors.describe(e)
              + "); give a docker/podman seccomp.json, or default or"
              + " unconfined");
    }
  }

  /** The profile's rules that apply to {@code arch} (amd64, arm64) and {@code caps}. */
  static JsonNode convert(JsonNode profile, String arch, Collection<String> caps, String source) {
    if (profile == null
        || !profile.path("defaultAction").isTextual()
        || !profile.path("syscalls").isArray()) {
      throw new MrtException(
          "seccomp profile "
              + source
              + " has no defaultAction or syscalls;"
              + " give a docker/podman seccomp.json");
    }
    ObjectNode out = JSON.objectNode();
    out.put("defaultAction", profile.get("defaultAction").asText());
    if (profile.has("defaultErrnoRet")) {
      out.put("defaultErrnoRet", profile.get("defaultErrnoRet").asInt());
    }
    ArrayNode archs = out.putArray("architectures");
    String scmp = arch.equals("arm64") ? "SCMP_ARCH_AARCH64" : "SCMP_ARCH_X86_64";
    for (JsonNode m : profile.path("archMap")) {
      if (m.path("architecture").asText().equals(scmp)) {
        archs.add(scmp);
        m.path("subArchitectures").forEach(archs::add);
      }
    }
    if (archs.isEmpty()) {
      archs.add(scmp);
    }
    ArrayNode rules = out.putArray("syscalls");
    Set<String> have = Set.copyOf(caps);
    for (JsonNode rule : profile.get("syscalls")) {
      if (!applies(rule.path("includes"), rule.path("excludes"), arch, have)) {
        continue;
      }
      ObjectNode r = rules.addObject();
      r.set("names", rule.get("names"));
      r.put("action", rule.path("action").asText());
      if (rule.has("errnoRet")) {
        r.put("errnoRet", rule.get("errnoRet").asInt());
      }
      if (rule.path("args").isArray() && !rule.get("args").isEmpty()) {
        r.set("args", rule.get("args"));
      }
    }
    return out;
  }

  /** Podman's rule: every include must hold, and no exclude may. */
  private static boolean applies(
      JsonNode includes, JsonNode excludes, String arch, Set<String> caps) {
    boolean archIn = !includes.has("arches") || contains(includes.get("arches"), arch);
    boolean capsIn = !includes.has("caps") || all(includes.get("caps"), caps);
    boolean archOut = excludes.has("arches") && contains(excludes.get("arches"), arch);
    boolean capsOut = excludes.has("caps") && any(excludes.get("caps"), caps);
    return archIn && capsIn && !archOut && !capsOut;
  }

  /** Takes the denied calls out of every allow rule and adds the refusals, first. */
  static JsonNode withMrtRules(JsonNode converted) {
    ObjectNode out = converted.deepCopy();
    List<String> denied = new ArrayList<>(NO_KEYRINGS);
    denied.addAll(NO_NAMESPACES);
    denied.add("clone");
    denied.add("clone3");
    ArrayNode rules = JSON.arrayNode();
    ObjectNode eperm = rules.addObject();
    ArrayNode epermNames = eperm.putArray("names");
    NO_KEYRINGS.forEach(epermNames::add);
    NO_NAMESPACES.forEach(epermNames::add);
    eperm.put("action", "SCMP_ACT_ERRNO");
    eperm.put("errnoRet", EPERM);
    ObjectNode clone = rules.addObject();
    clone.putArray("names").add("clone");
    clone.put("action", "SCMP_ACT_ALLOW");
    ObjectNode arg = clone.putArray("args").addObject();
    arg.put("index", 0);
    arg.put("value", CLONE_NAMESPACE_FLAGS);
    arg.put("valueTwo", 0);
    arg.put("op", "SCMP_CMP_MASKED_EQ");
    ObjectNode clone3 = rules.addObject();
    clone3.putArray("names").add("clone3");
    clone3.put("action", "SCMP_ACT_ERRNO");
    clone3.put("errnoRet", ENOSYS);
    for (JsonNode rule : out.path("syscalls")) {
      ObjectNode copy = rule.deepCopy();
      ArrayNode names = JSON.arrayNode();
      rule.path("names")
          .forEach(
              n -> {
                // Ours are the only rules for these: libseccomp refuses two for one call.
                if (!denied.contains(n.asText())) {
                  names.add(n);
                }
              });
      if (!names.isEmpty()) {
        copy.set("names", names);
        rules.add(copy);
      }
    }
    out.set("syscalls", rules);
    return out;
  }

  private static boolean contains(JsonNode array, String value) {
    for (JsonNode n : array) {
      if (n.asText().equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static boolean all(JsonNode array, Set<String> have) {
    for (JsonNode n : array) {
      if (!have.contains(n.asText())) {
        return false;
      }
    }
    return true;
  }

  private static boolean any(JsonNode array, Set<String> have) {
    for (JsonNode n : array) {
      if (have.contains(n.asText())) {
        return true;
      }
    }
    return false;
  }
}
