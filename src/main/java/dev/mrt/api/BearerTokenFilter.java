package dev.mrt.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/** The job API needs {@code Authorization: Bearer <token>} (see {@link ApiToken}). */
@Provider
public class BearerTokenFilter implements ContainerRequestFilter {
  // Providers are built while the application starts, before run-time config exists: look late.
  private final jakarta.inject.Provider<ApiToken> token;

  public BearerTokenFilter(jakarta.inject.Provider<ApiToken> token) {
    this.token = token;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    Optional<String> token = this.token.get().expected();
    if (token.isEmpty() || !request.getUriInfo().getPath().startsWith("/v1/")) {
      return;
    }
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    String expected = "Bearer " + token.get();
    // Constant time, so the token cannot be guessed from response timing.
    if (header == null
        || !MessageDigest.isEqual(
            header.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
      Response r =
          Problem.response(
              Response.Status.UNAUTHORIZED,
              "this API needs Authorization: Bearer <token>: the token is mrt.api.token, or the"
                  + " contents of mrt.api.token-file",
              null);
      request.abortWith(
          Response.fromResponse(r)
              .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"mrt\"")
              .build());
    }
  }
}
