/**
 * Pulls images from OCI distribution registries (Docker Hub, GHCR, Debian's docker-registry).
 *
 * <p>{@link dev.mrt.image.registry.RegistryClient} is the only entry point; each endpoint
 * (manifest, blob, token) is a package-private class sharing one transport for HTTP and auth.
 *
 * <h2>Transport: java.net.http, not oras-java-sdk</h2>
 *
 * land.oras:oras-java-sdk 0.2.15 resolves from Maven Central, but it was not chosen:
 *
 * <ul>
 *   <li>it is alpha (0.2.x) with an API that still changes between releases;
 *   <li>it brings gson (a second JSON library next to Jackson), BouncyCastle (bcprov, ~8 MB) and
 *       its own zstd-jni and commons-compress versions, which would fight the pinned ones;
 *   <li>mrt needs control it does not expose as such: digest and size checks while streaming, Range
 *       resume of a broken blob transfer, a bounded parallel layer fetch, diff_id checks after
 *       decompression, and one-line errors naming the reference.
 * </ul>
 *
 * The JDK's {@link java.net.http.HttpClient} does HTTP/1.1 and 2, TLS and redirects; what remains
 * (the v2 API's three endpoints and the token dance) is a few hundred lines kept here.
 *
 * <p>Plain HTTP is used only for loopback registries (127.0.0.0/8, localhost, ::1) and those listed
 * in {@code mrt.images.insecure-registries}; everything else is HTTPS.
 */
package dev.mrt.image.registry;
