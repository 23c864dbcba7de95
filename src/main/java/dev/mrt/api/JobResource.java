package dev.mrt.api;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** Runs one command in a fresh container from mrt's pool, for callers that do not speak Gearman. */
@Path("/v1/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {
  /** How long a waiting POST holds the request before answering with the job as it stands. */
  static final long WAIT_SECONDS = 3600;

  private final JobStore store;

  public JobResource(JobStore store) {
    this.store = store;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Run a job: {image, args, env, workdir, timeout, stdin}")
  @APIResponse(responseCode = "200", description = "Finished (wait=true, the default)")
  @APIResponse(responseCode = "202", description = "Accepted (wait=false); poll GET /v1/jobs/{id}")
  @APIResponse(responseCode = "400", description = "Bad body; the problem names the field")
  @APIResponse(responseCode = "401", description = "Missing or wrong bearer token")
  @APIResponse(responseCode = "429", description = "Pool and queue full; retry later")
  public Response submit(JsonNode body, @QueryParam("wait") @DefaultValue("true") boolean wait) {
    String id = store.submit(JobRequest.parse(body));
    URI location = URI.create("/v1/jobs/" + id);
    if (!wait) {
      return Response.accepted(store.get(id).orElseThrow()).location(location).build();
    }
    return Response.ok(store.await(id, WAIT_SECONDS).orElseThrow()).location(location).build();
  }

  @GET
  @Path("/{id}")
  @Operation(summary = "A job's state, and its result once done")
  public JobView get(@PathParam("id") String id) {
    return store.get(id).orElseThrow(() -> notFound(id));
  }

  @DELETE
  @Path("/{id}")
  @Operation(summary = "Cancel a waiting job or kill a running one")
  public JobView delete(@PathParam("id") String id) {
    return store.cancel(id).orElseThrow(() -> notFound(id));
  }

  private static ProblemException notFound(String id) {
    return new ProblemException(
        Response.Status.NOT_FOUND,
        "no job " + id + " (finished jobs are kept for mrt.api.retention)",
        null);
  }
}
