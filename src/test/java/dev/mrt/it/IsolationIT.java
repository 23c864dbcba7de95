package dev.mrt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.gearman.Gearmand;
import dev.mrt.it.MrtCli.Mode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a hostile job can reach from serve's containers: not gearmand, not mrt's own HTTP port, not
 * loopback services it was not given; and the job API is closed without its token.
 */
class IsolationIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static MrtCli cli(Mode mode, String name) {
    return MrtCli.fresh("isolation", mode, name);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A loopback service that answers every connection with "hello". */
  private static ServerSocket helloService() throws IOException {
    ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t =
        new Thread(
            () -> {
              while (!s.isClosed()) {
                try (Socket c = s.accept();
                    OutputStream out = c.getOutputStream()) {
                  out.write("hello\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException closed) {
                  // The test is over.
                }
              }
            },
            "hello-service");
    t.setDaemon(true);
    t.start();
    return s;
  }

  /** Prints "PORT open: FIRST-LINE" or "PORT closed" for each port on 127.0.0.1. */
  private static final String PROBE =
      String.join(
          "\n",
          "import socket, sys",
          "for p in sys.argv[1:]:",
          "    try:",
          "        s = socket.create_connection(('127.0.0.1', int(p)), 3)",
          "        s.settimeout(2)",
          "        try:",
          "            first = s.recv(64).decode().strip()",
          "        except OSError:",
          "            first = ''",
          "        print(p, 'open:', first)",
          "    except OSError:",
          "        print(p, 'closed')",
          "");

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testServe_jobsReachOnlyWhatTheirFunctionNames(Mode mode) throws Exception {
    MrtCli.assume(mode);
    MrtCli cli = cli(mode, "net");
    Path logs = Files.createTempDirectory("mrt-gearmand");
    try (Gearmand g = Gearmand.start(logs, "isolation");
        ServerSocket given = helloService();
        ServerSocket notGiven = helloService()) {
      Path shared = cli.mkdirOwned(cli.home().resolve("shared"));
      Path probe = MrtCli.readableFile(shared.resolve("probe.py"), PROBE);
      Path modules =
          MrtCli.readableFile(
              cli.home().resolve("modules"),
              "[supportedBatchCommands]\nsh_v0.0 = sh\nsvc_v0.0 = sh\n");
      Path props =
          MrtCli.readableFile(
              cli.home().resolve("mrt.properties"),
              "mrt.functions.\"svc_v0.0\".network=127.0.0.1:"
                  + given.getLocalPort()
                  + "\n"
                  + "mrt.functions.\"svc_v0.0\".seccomp=unconfined\n");
      int http = freePort();
      Map<String, String> env =
          new TreeMap<>(
              Map.of(
                  "MRT_GEARMAN_SERVERS", g.hostPort(),
                  "MRT_ARCHIVEMATICA_MODULES_FILE", modules.toString(),
                  "MRT_ARCHIVEMATICA_SHARED_DIRECTORY", shared.toString(),
                  "QUARKUS_HTTP_PORT", Integer.toString(http)));
      try (ServeProcess serve = cli.startServe("serve", env, "--config", props.toString())) {
        serve.awaitLog("connected to gearmand", WAIT);
        assertTrue(
            serve.log().contains("network: a namespace of its own per container"), serve.log());
        String ports =
            g.port() + " " + http + " " + given.getLocalPort() + " " + notGiven.getLocalPort();
        try (McpServerClient client = new McpServerClient(g.address(), WAIT)) {
          McpServerClient.TaskReply none =
              client
                  .run(
                      "sh_v0.0",
                      List.of(McpServerClient.task("-c 'python3 " + probe + " " + ports + "'")))
                  .only();
          assertEquals(0, none.exit(), none.toString());
          assertEquals(
              g.port()
                  + " closed\n"
                  + http
                  + " closed\n"
                  + given.getLocalPort()
                  + " closed\n"
                  + notGiven.getLocalPort()
                  + " closed\n",
              none.stdout());

          McpServerClient.TaskReply svc =
              client
                  .run(
                      "svc_v0.0",
                      List.of(McpServerClient.task("-c 'python3 " + probe + " " + ports + "'")))
                  .only();
          assertEquals(0, svc.exit(), svc.toString());
          assertEquals(
              g.port()
                  + " closed\n"
                  + http
                  + " closed\n"
                  + given.getLocalPort()
                  + " open: hello\n"
                  + notGiven.getLocalPort()
                  + " closed\n",
              svc.stdout());

          // The same override mechanism for the filter: svc alone runs unconfined.
          assertEquals(
              "Seccomp:\t2\n",
              client
                  .run(
                      "sh_v0.0",
                      List.of(McpServerClient.task("-c 'grep Seccomp: /proc/self/status'")))
                  .only()
                  .stdout());
          assertEquals(
              "Seccomp:\t0\n",
              client
                  .run(
                      "svc_v0.0",
                      List.of(McpServerClient.task("-c 'grep Seccomp: /proc/self/status'")))
                  .only()
                  .stdout());
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testServe_killNineEndsItsTasksWithinTwoSeconds(Mode mode) throws Exception {
    MrtCli.assume(mode);
    MrtCli cli = cli(mode, "kill9");
    Path logs = Files.createTempDirectory("mrt-gearmand");
    String marker = "311." + mode.ordinal() + "3";
    try (Gearmand g = Gearmand.start(logs, "kill9")) {
      Path shared = cli.mkdirOwned(cli.home().resolve("shared"));
      Path modules =
          MrtCli.readableFile(
              cli.home().resolve("modules"), "[supportedBatchCommands]\nsh_v0.0 = sh\n");
      Map<String, String> env =
          new TreeMap<>(
              Map.of(
                  "MRT_GEARMAN_SERVERS", g.hostPort(),
                  "MRT_ARCHIVEMATICA_MODULES_FILE", modules.toString(),
                  "MRT_ARCHIVEMATICA_SHARED_DIRECTORY", shared.toString(),
                  "QUARKUS_HTTP_PORT", "0"));
      try (ServeProcess serve = cli.startServe("serve", env);
          McpServerClient client = new McpServerClient(g.address(), WAIT)) {
        serve.awaitLog("connected to gearmand", WAIT);
        client.submit(
            "sh_v0.0",
            McpServerClient.Wire.JSON,
            List.of(
                McpServerClient.task("-c 'sleep " + marker + " & sleep " + marker + "; wait'")));
        ServeProcess.awaitCondition(
            "the task to run", WAIT, () -> CleanupIT.processesRunning("sleep", marker).size() == 2);

        ProcessHandle.of(serve.javaPid()).orElseThrow().destroyForcibly();
        long killed = System.nanoTime();
        ServeProcess.awaitCondition(
            "the task to end",
            Duration.ofSeconds(10),
            () -> CleanupIT.processesRunning("sleep", marker).isEmpty());
        long ms = (System.nanoTime() - killed) / 1_000_000;
        assertTrue(ms < 2000, "serve's task outlived it by " + ms + " ms");
        ServeProcess.awaitCondition(
            "its bundle to go",
            Duration.ofSeconds(10),
            () -> cli.leftoverBundles().isEmpty() && cli.leftoverContainers().isEmpty());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testJobApi_needsTheGeneratedTokenByDefault(Mode mode) throws Exception {
    MrtCli.assume(mode);
    MrtCli cli = cli(mode, "token");
    int http = freePort();
    Path modules =
        MrtCli.readableFile(
            cli.home().resolve("modules"), "[supportedBatchCommands]\nsh_v0.0 = sh\n");
    Map<String, String> env =
        new TreeMap<>(
            Map.of(
                "MRT_GEARMAN_ENABLED", "false",
                "MRT_ARCHIVEMATICA_MODULES_FILE", modules.toString(),
                "MRT_ARCHIVEMATICA_SHARED_DIRECTORY",
                    cli.mkdirOwned(cli.home().resolve("shared")).toString(),
                "QUARKUS_HTTP_PORT", Integer.toString(http)));
    try (ServeProcess serve = cli.startServe("serve", env)) {
      serve.awaitLog("job API: Authorization: Bearer <token>, token in", WAIT);
      Path file = cli.stateDir().resolve("api-token");
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      String token = Files.readString(file).strip();
      assertTrue(token.length() >= 32, token);
      assertTrue(!serve.log().contains(token), "the token must never be logged");

      URI jobs = URI.create("http://127.0.0.1:" + http + "/v1/jobs");
      HttpRequest.Builder post =
          HttpRequest.newBuilder(jobs)
              .timeout(WAIT)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{\"args\":[\"true\"]}"));
      assertEquals(401, HTTP.send(post.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
      HttpResponse<String> ok =
          HTTP.send(
              post.header("Authorization", "Bearer " + token).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ok.statusCode(), ok.body());
    }
  }
}
