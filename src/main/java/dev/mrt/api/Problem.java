package dev.mrt.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.Response;

/**
 * An RFC 9457 problem document: what went wrong with a request, naming the field when one field was
 * wrong.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String field) {

  public static final String MEDIA_TYPE = "application/problem+json";

  static Response response(Response.Status status, String detail, String field) {
    return Response.status(status)
        .type(MEDIA_TYPE)
        .entity(
            new Problem(
                "about:blank", status.getReasonPhrase(), status.getStatusCode(), detail, field))
        .build();
  }
}
