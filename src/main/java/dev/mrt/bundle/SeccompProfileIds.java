package dev.mrt.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mrt.image.Digest;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A seccomp profile's sha256, by instance: SeccompPolicy hands out one instance per setting, so a
 * warm key can name the profile (about 40 KB of JSON for three architectures) without writing it
 * out for every job. Equal profiles in two instances get the same id.
 */
final class SeccompProfileIds {
  private final Map<JsonNode, String> ids = Collections.synchronizedMap(new IdentityHashMap<>());

  String of(JsonNode profile) {
    return ids.computeIfAbsent(
        profile, p -> Digest.sha256(p.toString().getBytes(StandardCharsets.UTF_8)).toString());
  }
}
