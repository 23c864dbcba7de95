package dev.mrt.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

/** Ends a request with a problem document. */
public final class ProblemException extends WebApplicationException {
  public ProblemException(Response.Status status, String detail, String field) {
    super(detail, Problem.response(status, detail, field));
  }

  static ProblemException badField(String field, String detail) {
    return new ProblemException(Response.Status.BAD_REQUEST, detail, field);
  }
}
