package dev.mrt.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error of the API is a problem document, including the framework's own. */
public class ProblemMappers {

  @ServerExceptionMapper
  public Response badJson(JsonProcessingException e) {
    return Problem.response(
        Response.Status.BAD_REQUEST, "the body is not valid JSON: " + e.getOriginalMessage(), null);
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e) {
    Response r = e.getResponse();
    if (r.hasEntity()) {
      return r;
    }
    Response.Status status = Response.Status.fromStatusCode(r.getStatus());
    String detail =
        e.getCause() instanceof JsonProcessingException j
            ? "the body is not valid JSON: " + j.getOriginalMessage()
            : e.getMessage();
    return Problem.response(status == null ? Response.Status.BAD_REQUEST : status, detail, null);
  }
}
