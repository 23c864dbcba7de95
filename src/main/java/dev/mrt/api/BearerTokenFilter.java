package dev.mrt.api;

import dev.mrt.config.ApiConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** With {@code mrt.api.token} set, the job API needs {@code Authorization: Bearer <token>}. */
@Provider
public class BearerTokenFilter implements ContainerRequestFilter {
  // Providers are built while the application starts, before run-time config exists: look late.
  private final jakarta.inject.Provider<ApiConfig> config;

  public BearerTokenFilter(jakarta.inject.Provider<ApiConfig> config) {
    this.config = config;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    java.util.Optional<String> token = config.get().token();
    if (token.isEmpty() || !request.getUriInfo().getPath().startsWith("/v1/")) {
      return;
    }
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    String expected = "Bearer " + token.get();
    // Constant time, so the token cannot be guessed from response timing.
    if (header == null || !MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8),
        expected.getBytes(StandardCharsets.UTF_8))) {
      Response r = Problem.response(Response.Status.UNAUTHORIZED,
          "this API needs Authorization: Bearer <mrt.api.token>", null);
      request.abortWith(Response.fromResponse(r).header(HttpHeaders.WWW_AUTHENTICATE,
          "Bearer realm=\"mrt\"").build());
    }
  }
}
