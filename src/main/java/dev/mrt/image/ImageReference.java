package dev.mrt.image;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A registry image reference, always normalised: {@code registry/repository[:tag][@digest]}.
 *
 * <p>The grammar follows the distribution project's {@code reference/regexp.go}, built from the
 * small named pieces below so each can be checked on its own. Normalisation happens only in {@link
 * #parse}; {@link #toString()} is its inverse, so {@code parse(r.toString()).equals(r)}.
 *
 * @param registry host[:port] as the user names it ({@code docker.io} for Docker Hub)
 * @param repository path below the registry ({@code library/python})
 * @param tag empty when only a digest was given
 * @param digest pins the manifest; when present it wins over the tag
 */
public record ImageReference(
    String registry, String repository, Optional<String> tag, Optional<Digest> digest) {

  /** Docker Hub's name in references, and the host its API actually answers on. */
  public static final String DOCKER_HUB = "docker.io";

  static final String DOCKER_HUB_API = "registry-1.docker.io";

  /** Docker Hub's official images live under this namespace (docker's normalize.go). */
  private static final String OFFICIAL_NAMESPACE = "library/";

  private static final String DEFAULT_TAG = "latest";

  /** A DNS label: alphanumerics with inner hyphens. */
  private static final String DOMAIN_COMPONENT =
      "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";

  /** Dotted labels or a bracketed IPv6 address, with an optional port. */
  private static final String REGISTRY =
      "(?:"
          + DOMAIN_COMPONENT
          + "(?:\\."
          + DOMAIN_COMPONENT
          + ")*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?";

  /** Lowercase alphanumerics joined by one '.', one or two '_', or any number of '-'. */
  private static final String PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";

  private static final String REPOSITORY = PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*";

  /** Word characters, dots and hyphens, not starting with either of the latter; 128 at most. */
  private static final String TAG = "[\\w][\\w.-]{0,127}";

  private static final Pattern REFERENCE =
      Pattern.compile(
          "(?:(?<registry>"
              + REGISTRY
              + ")/)?(?<repository>"
              + REPOSITORY
              + ")"
              + "(?::(?<tag>"
              + TAG
              + "))?(?:@(?<digest>"
              + Digest.PATTERN
              + "))?");

  private static final Pattern VALID_REGISTRY = Pattern.compile(REGISTRY);
  private static final Pattern VALID_REPOSITORY = Pattern.compile(REPOSITORY);
  private static final Pattern VALID_TAG = Pattern.compile(TAG);

  /** Checks fields supplied by code; user input goes through {@link #parse}. */
  public ImageReference {
    if (!VALID_REGISTRY.matcher(registry).matches()) {
      throw new IllegalArgumentException("invalid registry: " + registry);
    }
    if (!VALID_REPOSITORY.matcher(repository).matches() || repository.length() > 255) {
      throw new IllegalArgumentException("invalid repository: " + repository);
    }
    tag.ifPresent(
        t -> {
          if (!VALID_TAG.matcher(t).matches()) {
            throw new IllegalArgumentException("invalid tag: " + t);
          }
        });
    if (tag.isEmpty() && digest.isEmpty()) {
      throw new IllegalArgumentException("a reference needs a tag or a digest");
    }
  }

  /**
   * Parses what a user typed, with an optional {@code docker://} prefix, and normalises it the way
   * docker does: no registry means Docker Hub, a one-part Hub name is an official image ({@code
   * library/}), and neither tag nor digest means {@code :latest}.
   *
   * @throws InvalidReferenceException naming the input
   */
  public static ImageReference parse(String text) {
    String rest = text.startsWith("docker://") ? text.substring("docker://".length()) : text;
    Matcher m = REFERENCE.matcher(rest);
    if (!m.matches()) {
      throw new InvalidReferenceException(text, null);
    }
    String registry = m.group("registry");
    String repository = m.group("repository");
    // docker's rule (normalize.go splitDockerDomain): the first part names a registry only if it
    // looks like a host; "user/app" is a Docker Hub repository, not a host called "user".
    if (registry != null && !looksLikeHost(registry)) {
      repository = registry + "/" + repository;
      registry = null;
    }
    if (registry == null || registry.equals("index.docker.io")) {
      registry = DOCKER_HUB;
    }
    if (registry.equals(DOCKER_HUB) && !repository.contains("/")) {
      repository = OFFICIAL_NAMESPACE + repository;
    }
    if (!VALID_REPOSITORY.matcher(repository).matches() || repository.length() > 255) {
      throw new InvalidReferenceException(text, "the repository name is not valid");
    }
    Optional<String> tag = Optional.ofNullable(m.group("tag"));
    Optional<Digest> digest = Optional.ofNullable(m.group("digest")).map(Digest::parse);
    if (tag.isEmpty() && digest.isEmpty()) {
      tag = Optional.of(DEFAULT_TAG);
    }
    return new ImageReference(registry, repository, tag, digest);
  }

  private static boolean looksLikeHost(String first) {
    return first.contains(".")
        || first.contains(":")
        || first.equals("localhost")
        || !first.equals(first.toLowerCase(Locale.ROOT));
  }

  /** The host[:port] the registry API answers on (Docker Hub's differs from its name). */
  public String apiHost() {
    return registry.equals(DOCKER_HUB) ? DOCKER_HUB_API : registry;
  }

  /** The host alone, without port or IPv6 brackets: what loopback checks look at. */
  public String host() {
    String r = registry;
    if (r.startsWith("[")) {
      return r.substring(1, r.indexOf(']'));
    }
    int colon = r.lastIndexOf(':');
    return colon < 0 ? r : r.substring(0, colon);
  }

  /** What to ask the manifest endpoint for: the digest when pinned, else the tag. */
  public String manifestReference() {
    return digest.map(Digest::toString).orElseGet(tag::get);
  }

  /** The inverse of {@link #parse}: always the full, normalised form. */
  @Override
  public String toString() {
    return registry
        + "/"
        + repository
        + tag.map(t -> ":" + t).orElse("")
        + digest.map(d -> "@" + d).orElse("");
  }

  /** Text that is not an image reference; keeps the input. */
  public static final class InvalidReferenceException extends ImageException {
    private final String input;

    public InvalidReferenceException(String input, String reason) {
      super(
          "invalid image reference '"
              + input
              + "'"
              + (reason == null ? "" : ": " + reason)
              + "; give [registry/]name[:tag][@sha256:digest], 'default', oci:DIR[:TAG] or a rootfs"
              + " tarball (.tar, .tar.gz, .tar.zst)");
      this.input = input;
    }

    public String input() {
      return input;
    }
  }
}
