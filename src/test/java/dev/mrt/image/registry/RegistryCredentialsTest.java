package dev.mrt.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.image.ImageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credential helpers are real processes here: small shell scripts on a PATH of their own. */
class RegistryCredentialsTest {
  @TempDir Path temp;

  private Map<String, String> env() {
    return Map.of("PATH", temp.resolve("bin") + ":/usr/bin:/bin");
  }

  /** A helper that logs each server it is asked about, then runs {@code body}. */
  private Path helper(String name, String body) throws IOException {
    Path bin = Files.createDirectories(temp.resolve("bin"));
    Path script = bin.resolve("docker-credential-" + name);
    Files.writeString(
        script,
        "#!/bin/sh\n[ \"$1\" = get ] || exit 2\nserver=$(cat)\n"
            + "echo \"$server\" >> "
            + temp.resolve(name + ".asked")
            + "\n"
            + body
            + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  private List<String> asked(String name) throws IOException {
    return Files.readAllLines(temp.resolve(name + ".asked"));
  }

  private Path config(String json) throws IOException {
    return Files.writeString(temp.resolve("config-" + json.hashCode() + ".json"), json);
  }

  private static String auth(String user, String password) {
    return Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static final String ANSWER =
      "echo '{\"ServerURL\":\"'$server'\",\"Username\":\"u-'"
          + "$server'\",\"Secret\":\"s3cret\"}'";

  @Test
  void testForRegistry_credHelperGetsHostOnStdinAndWinsOverStoreAndAuths() throws IOException {
    helper("per-host", ANSWER);
    helper("store", "echo '{\"Username\":\"from-store\",\"Secret\":\"x\"}'");
    RegistryCredentials c =
        RegistryCredentials.load(
            List.of(
                config(
                    "{\"auths\":{"
                        + "\"reg.example:5000\":{\"auth\":\""
                        + auth("stored", "pw")
                        + "\"}},"
                        + "\"credsStore\":\"store\",\"credHelpers\":{\"reg.example:5000\":\"per-host\"}}")),
            env());

    assertEquals(
        Optional.of(new RegistryCredentials.Login("u-reg.example:5000", "s3cret")),
        c.forRegistry("reg.example:5000"));
    assertEquals(
        Optional.of(new RegistryCredentials.Login("from-store", "x")),
        c.forRegistry("other.example"));
    assertEquals(List.of("reg.example:5000"), asked("per-host"));
    assertEquals(List.of("other.example"), asked("store"));
  }

  @Test
  void testForRegistry_helperRunsOncePerHost() throws IOException {
    helper("counted", ANSWER);
    RegistryCredentials c =
        RegistryCredentials.load(List.of(config("{\"credsStore\":\"counted\"}")), env());
    c.forRegistry("a.example");
    c.forRegistry("a.example");
    c.forRegistry("b.example");
    assertEquals(List.of("a.example", "b.example"), asked("counted"));
  }

  @Test
  void testForRegistry_dockerHubAskedByItsIndexAddress() throws IOException {
    helper("hub", ANSWER);
    RegistryCredentials c =
        RegistryCredentials.load(
            List.of(config("{\"credHelpers\":{\"https://index.docker.io/v1/\":\"hub\"}}")), env());
    assertEquals("s3cret", c.forRegistry("docker.io").orElseThrow().password());
    assertEquals(List.of("https://index.docker.io/v1/"), asked("hub"));
  }

  @Test
  void testForRegistry_identityTokenIsTheBasicPassword() throws IOException {
    helper("tok", "echo '{\"Username\":\"<token>\",\"Secret\":\"refresh-123\"}'");
    RegistryCredentials c =
        RegistryCredentials.load(List.of(config("{\"credsStore\":\"tok\"}")), env());
    assertEquals(
        Optional.of(new RegistryCredentials.Login("<token>", "refresh-123")),
        c.forRegistry("reg.example"));
  }

  @Test
  void testForRegistry_notFoundIsAnonymousAndLaterFilesStillCount() throws IOException {
    helper("empty", "echo 'credentials not found in native keychain'; exit 1");
    Path first = config("{\"credsStore\":\"empty\"}");
    Path second = config("{\"auths\":{\"reg.example\":{\"auth\":\"" + auth("u", "p") + "\"}}}");
    assertEquals(
        Optional.empty(),
        RegistryCredentials.load(List.of(first), env()).forRegistry("reg.example"));
    assertEquals(
        Optional.of(new RegistryCredentials.Login("u", "p")),
        RegistryCredentials.load(List.of(first, second), env()).forRegistry("reg.example"));
  }

  @Test
  void testForRegistry_missingHelperNamesItAndTheFile() throws IOException {
    Path file = config("{\"credsStore\":\"desktop\"}");
    ImageException e =
        assertThrows(
            ImageException.class,
            () -> RegistryCredentials.load(List.of(file), env()).forRegistry("reg.example"));
    assertEquals(
        "credential helper docker-credential-desktop (named in "
            + file
            + ") is not on"
            + " PATH; install it, or remove it from credsStore/credHelpers there to pull anonymously",
        e.getMessage());
  }

  @Test
  void testForRegistry_failingHelperGivesItsFirstLine() throws IOException {
    helper("broken", "echo 'keychain locked'; echo 'more detail'; exit 3");
    Path file = config("{\"credHelpers\":{\"reg.example\":\"broken\"}}");
    ImageException e =
        assertThrows(
            ImageException.class,
            () -> RegistryCredentials.load(List.of(file), env()).forRegistry("reg.example"));
    assertEquals(
        "credential helper docker-credential-broken (named in "
            + file
            + ") failed to"
            + " get the login for reg.example (exit 3: keychain locked); run `echo reg.example |"
            + " docker-credential-broken get` to see why, or log in again",
        e.getMessage());
  }

  @Test
  void testForRegistry_garbageAnswerRefused() throws IOException {
    helper("garbage", "echo 'not json'");
    ImageException e =
        assertThrows(
            ImageException.class,
            () ->
                RegistryCredentials.load(List.of(config("{\"credsStore\":\"garbage\"}")), env())
                    .forRegistry("reg.example"));
    assertTrue(
        e.getMessage().contains("(its answer is not the JSON docker helpers print)"),
        e.getMessage());
  }

  @Test
  void testForRegistry_authsWithoutHelpers() throws IOException {
    RegistryCredentials c =
        RegistryCredentials.load(
            List.of(
                config(
                    "{\"auths\":{"
                        + "\"https://index.docker.io/v1/\":{\"auth\":\""
                        + auth("hub", "pw")
                        + "\"}}}")),
            env());
    assertEquals(
        Optional.of(new RegistryCredentials.Login("hub", "pw")), c.forRegistry("docker.io"));
    assertEquals(Optional.empty(), c.forRegistry("reg.example"));
  }
}
