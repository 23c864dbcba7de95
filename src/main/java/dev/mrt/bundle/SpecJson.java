package dev.mrt.bundle;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mrt.bundle.oci.Spec;

/** Serialises specs exactly as runc reads them. */
public final class SpecJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setSerializationInclusion(JsonInclude.Include.NON_NULL)
          .enable(SerializationFeature.INDENT_OUTPUT);

  private SpecJson() {}

  public static String toJson(Spec spec) {
    try {
      return MAPPER.writeValueAsString(spec) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise spec", e);
    }
  }

  public static Spec fromJson(String json) {
    try {
      return MAPPER.readValue(json, Spec.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a spec: " + e.getOriginalMessage(), e);
    }
  }
}
