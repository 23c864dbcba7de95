package dev.mrt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt.gearman.Gearmand;
import dev.mrt.it.MrtCli.Mode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What operators see of a running {@code mrt serve}: /metrics after real jobs, readiness as its
 * dependencies come and go, and the HTTP job API, all against a real gearmand and real containers.
 */
class OperateIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MODULES =
      "[supportedBatchCommands]\nsh_v0.0 = sh\necho_v0.0 = echo\n";
  // HTTP/1.1 as curl and Prometheus speak it (the JDK's default h2c upgrade adds nothing here).
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** A serve with its HTTP port known, on one gearmand. */
  private record Daemon(ServeProcess process, int port, MrtCli cli) implements AutoCloseable {
    @Override
    public void close() {
      process.close();
    }
  }

  private static Daemon serve(
      Mode mode, String name, Gearmand gearmand, Map<String, String> more, String... args)
      throws IOException {
    MrtCli cli = MrtCli.fresh("operate", mode, name);
    Path shared = cli.mkdirOwned(cli.home().resolve("shared"));
    Path modules = MrtCli.readableFile(cli.home().resolve("modules"), MODULES.getBytes());
    int port = freePort();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("MRT_GEARMAN_SERVERS", gearmand.hostPort());
    env.put("MRT_ARCHIVEMATICA_MODULES_FILE", modules.toString());
    env.put("MRT_ARCHIVEMATICA_SHARED_DIRECTORY", shared.toString());
    env.put("MRT_POOL_SIZE", "2");
    env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    env.putAll(more);
    return new Daemon(cli.startServe(name, env, args), port, cli);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder r) throws Exception {
    return http.send(
        r.timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(Daemon d, String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + path)));
  }

  private HttpResponse<String> post(Daemon d, String path, String body, String token)
      throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return send(r);
  }

  /** Polls an endpoint until the answer satisfies {@code done}; returns every answer seen. */
  private List<HttpResponse<String>> poll(
      Daemon d, String path, Predicate<HttpResponse<String>> done) throws Exception {
    List<HttpResponse<String>> seen = new ArrayList<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = get(d, path);
        seen.add(r);
        if (done.test(r)) {
          return seen;
        }
      } catch (IOException notListeningYet) {
        // The HTTP server is not up yet.
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "no answer from "
            + path
            + " passed; last: "
            + (seen.isEmpty() ? "none" : seen.get(seen.size() - 1).body())
            + "\n"
            + d.process().log());
  }

  /** The value of one series in a Prometheus scrape. */
  private static double value(String scrape, String series) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    throw new AssertionError("no series " + series + " in:\n" + scrape);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testMetrics_moveByTheRightAmounts(Mode mode) throws Exception {
    MrtCli.assume(mode);
    Path logs = Files.createTempDirectory("mrt-gearmand");
    try (Gearmand g = Gearmand.start(logs, "metrics");
        Daemon d = serve(mode, "metrics", g, Map.of())) {
      poll(d, "/q/health/ready", r -> r.statusCode() == 200);
      String before = get(d, "/metrics").body();
      // MCPClient's series exist at zero for every function from the start.
      for (String f : List.of("sh_v0.0", "echo_v0.0")) {
        assertEquals(0.0, value(before, "mcpclient_job_total{script_name=\"" + f + "\"}"));
        assertEquals(0.0, value(before, "mcpclient_job_error_total{script_name=\"" + f + "\"}"));
        assertEquals(
            0.0,
            value(
                before, "mcpclient_task_execution_time_seconds_count{script_name=\"" + f + "\"}"));
      }
      // MCPClient's buckets, exactly.
      Set<String> les = new TreeSet<>();
      Matcher m =
          Pattern.compile(
                  "mcpclient_task_execution_time_seconds_bucket\\{le=\"([^\"]+)\","
                      + "script_name=\"sh_v0.0\"\\}|mcpclient_task_execution_time_seconds_bucket\\{"
                      + "script_name=\"sh_v0.0\",le=\"([^\"]+)\"\\}")
              .matcher(before);
      while (m.find()) {
        les.add(m.group(1) != null ? m.group(1) : m.group(2));
      }
      assertEquals(
          new TreeSet<>(
              List.of(
                  "2.0", "5.0", "10.0", "20.0", "30.0", "60.0", "120.0", "300.0", "600.0", "1800.0",
                  "3600.0", "+Inf")),
          les,
          before);
      double startsBefore = value(before, "mrt_container_start_seconds_count");

      try (McpServerClient client = new McpServerClient(g.address(), WAIT)) {
        McpServerClient.Reply reply =
            client.run(
                "sh_v0.0",
                List.of(
                    McpServerClient.task("-c true"),
                    McpServerClient.task("-c true"),
                    McpServerClient.task("-c 'exit 3'")));
        assertEquals(3, reply.results().size());
      }
      String after = get(d, "/metrics").body();
      assertEquals(3.0, value(after, "mcpclient_job_total{script_name=\"sh_v0.0\"}"));
      assertEquals(1.0, value(after, "mcpclient_job_error_total{script_name=\"sh_v0.0\"}"));
      assertEquals(
          1.0,
          value(after, "mcpclient_task_execution_time_seconds_count{script_name=\"sh_v0.0\"}"));
      assertEquals(0.0, value(after, "mcpclient_job_total{script_name=\"echo_v0.0\"}"));
      assertTrue(value(after, "mcpclient_job_success_timestamp") > 1.7e9);
      assertTrue(value(after, "mcpclient_job_error_timestamp") > 1.7e9);
      assertEquals(2.0, value(after, "mrt_tasks_total{outcome=\"ok\"}"));
      assertEquals(1.0, value(after, "mrt_tasks_total{outcome=\"nonzero\"}"));
      assertEquals(0.0, value(after, "mrt_tasks_total{outcome=\"timeout\"}"));
      assertEquals(startsBefore + 3, value(after, "mrt_container_start_seconds_count"));
      assertEquals(3.0, value(after, "mrt_task_duration_seconds_count{function=\"sh_v0.0\"}"));
      assertEquals(2.0, value(after, "mrt_pool_size"));
      assertEquals(0.0, value(after, "mrt_pool_busy"));
      assertEquals(1.0, value(after, "mrt_gearman_connection_up{server=\"" + g.hostPort() + "\"}"));
      assertTrue(after.contains("jvm_memory_used_bytes"), "JVM metrics");
      assertTrue(after.contains("process_cpu_usage"), "process metrics");

      assertDashboardQueriesExist(after);
    }
  }

  /** Every metric a panel of the shipped Grafana dashboard queries is one mrt exports. */
  private static void assertDashboardQueriesExist(String scrape) throws IOException {
    JsonNode dash = JSON.readTree(Path.of("deploy/grafana/mrt-dashboard.json").toFile());
    Pattern metric = Pattern.compile("\\b((?:mrt|mcpclient)_[a-z_]+)");
    Set<String> queried = new TreeSet<>();
    for (JsonNode panel : dash.get("panels")) {
      for (JsonNode target : panel.get("targets")) {
        Matcher m = metric.matcher(target.get("expr").asText());
        while (m.find()) {
          queried.add(m.group(1));
        }
      }
    }
    assertTrue(queried.size() >= 10, "dashboard queries: " + queried);
    for (String name : queried) {
      assertTrue(
          Pattern.compile("(?m)^" + name + "[{ ]").matcher(scrape).find(),
          "the dashboard queries " + name + ", which mrt does not export");
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testReadiness_followsBundleAndGearman(Mode mode) throws Exception {
    MrtCli.assume(mode);
    Path logs = Files.createTempDirectory("mrt-gearmand");
    try (Gearmand g = Gearmand.start(logs, "ready")) {
      g.stop();
      try (Daemon d = serve(mode, "ready", g, Map.of())) {
        // gearmand is down: not ready, and the body says why.
        List<HttpResponse<String>> seen =
            poll(d, "/q/health/ready", r -> r.body().contains("probe container ran"));
        HttpResponse<String> down = seen.get(seen.size() - 1);
        assertEquals(503, down.statusCode(), down.body());
        assertTrue(down.body().contains("0 of 1 servers connected"), down.body());
        assertTrue(seen.stream().allMatch(r -> r.statusCode() == 503));
        assertEquals(200, get(d, "/q/health/live").statusCode());

        g.restart();
        HttpResponse<String> up = last(poll(d, "/q/health/ready", r -> r.statusCode() == 200));
        assertTrue(up.body().contains("1 of 1 servers connected"), up.body());
        assertTrue(up.body().contains("\"default-rootfs\": \"prepared\""), up.body());
        // The deprecated name stays until a later release.
        assertTrue(up.body().contains("\"default-bundle\": \"prepared\""), up.body());

        g.stop();
        HttpResponse<String> again = last(poll(d, "/q/health/ready", r -> r.statusCode() == 503));
        assertTrue(again.body().contains("0 of 1 servers connected"), again.body());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testReadiness_falseUntilTheDefaultRootfsIsPrepared(Mode mode) throws Exception {
    MrtCli.assume(mode);
    Path logs = Files.createTempDirectory("mrt-gearmand");
    try (Gearmand g = Gearmand.start(logs, "bundle");
        // A fresh cache: the default root filesystem is unpacked after HTTP is up.
        Daemon d = serve(mode, "bundle", g, Map.of())) {
      List<HttpResponse<String>> seen = poll(d, "/q/health/ready", r -> r.statusCode() == 200);
      assertTrue(
          seen.stream()
              .anyMatch(
                  r ->
                      r.statusCode() == 503
                          && r.body().contains("\"default-rootfs\": \"not prepared\"")),
          "never saw readiness false while the default rootfs was being prepared: "
              + seen.size()
              + " answers");
    }
  }

  private static <T> T last(List<T> list) {
    return list.get(list.size() - 1);
  }

  /** A registry on loopback holding the busybox test image as busybox:1; its reference. */
  private static String registryWithBusybox(LoopbackRegistry registry, Path dir) {
    OciImages images = new OciImages(dir.resolve("layout"));
    images.image("bb", "amd64", List.of(OciImages.busyboxRootfs()));
    return registry.push(images.layout(), "bb", "busybox:1");
  }

  @Test
  void testPrefetch_pullsAtStartCountsThePullAndSurvivesBadReferences() throws Exception {
    MrtCli.assume(Mode.ROOTFUL);
    Path dir = Files.createTempDirectory("mrt-prefetch");
    try (LoopbackRegistry registry =
        LoopbackRegistry.start(dir.resolve("registry"), Optional.empty())) {
      String ref = registryWithBusybox(registry, dir);
      JsonNode manifest =
          JSON.readTree(
              Shell.run("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref));
      long blobBytes = manifest.path("config").path("size").asLong();
      for (JsonNode layer : manifest.path("layers")) {
        blobBytes += layer.path("size").asLong();
      }
      String digest =
          Shell.run(
                  "skopeo",
                  "inspect",
                  "--tls-verify=false",
                  "--format",
                  "{{.Digest}}",
                  "docker://" + ref)
              .strip();
      // One reference that does not parse, one registry that refuses connections.
      String unreachable = "127.0.0.1:" + freePort() + "/nothing:1";
      try (Gearmand g = Gearmand.start(dir.resolve("gearmand"), "prefetch");
          Daemon d =
              serve(
                  Mode.ROOTFUL,
                  "prefetch",
                  g,
                  Map.of(
                      "MRT_IMAGES_PREFETCH",
                      "Not A Reference!," + ref + "," + unreachable,
                      "MRT_IMAGES_ATTEMPTS",
                      "1"))) {
        d.process().awaitLog("prefetched " + ref, WAIT);
        d.process().awaitLogCount("prefetch failed: ", 2, WAIT);
        Path bundle = d.cli().cacheDir().resolve("bundles/sha256-" + digest.substring(7));
        assertTrue(Files.isDirectory(bundle.resolve("rootfs/bin")), "no bundle " + bundle);
        String log = d.process().log();
        assertEquals(2, ServeProcess.occurrences(log, "prefetch failed: "), log);
        assertTrue(log.contains(unreachable), log);
        assertFalse(log.contains("\tat "), "a stack trace in the log:\n" + log);

        // Serves on: ready, and runs a job.
        poll(d, "/q/health/ready", r -> r.statusCode() == 200);
        try (McpServerClient client = new McpServerClient(g.address(), WAIT)) {
          assertEquals(
              0, client.run("sh_v0.0", List.of(McpServerClient.task("-c true"))).only().exit());
        }
        String scrape = get(d, "/metrics").body();
        assertEquals(1.0, value(scrape, "mrt_image_pulls_total"), scrape);
        assertEquals((double) blobBytes, value(scrape, "mrt_image_pull_bytes_total"), scrape);
        assertTrue(d.process().isAlive());
      }
    }
  }

  /**
   * Pool of one: a Gearman job whose image pull hangs must not keep its slot, so a job on the
   * default image runs meanwhile. The registry accepts connections and never answers, so the pull
   * lasts exactly the request timeout; the second job must be done well before that.
   */
  @Test
  void testImagePull_doesNotHoldTheContainerSlot() throws Exception {
    MrtCli.assume(Mode.ROOTFUL);
    Path dir = Files.createTempDirectory("mrt-slow-pull");
    List<Socket> held = new CopyOnWriteArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Gearmand g = Gearmand.start(dir.resolve("gearmand"), "slowpull")) {
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    held.add(silent.accept());
                  }
                } catch (IOException closed) {
                  // The test is over.
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      String slowImage = "127.0.0.1:" + silent.getLocalPort() + "/slow:1";
      Path config =
          MrtCli.readableFile(
              dir.resolve("functions.properties"),
              "mrt.functions.\"echo_v0.0\".image=" + slowImage + "\n");
      try (Daemon d =
              serve(
                  Mode.ROOTFUL,
                  "slowpull",
                  g,
                  Map.of(
                      "MRT_POOL_SIZE",
                      "1",
                      "MRT_IMAGES_TIMEOUT",
                      "45s",
                      "MRT_IMAGES_ATTEMPTS",
                      "1"),
                  "--config",
                  config.toString());
          McpServerClient slowClient = new McpServerClient(g.address(), WAIT);
          McpServerClient fastClient = new McpServerClient(g.address(), WAIT)) {
        poll(d, "/q/health/ready", r -> r.statusCode() == 200);
        McpServerClient.Submitted pulling =
            slowClient.submit(
                "echo_v0.0", McpServerClient.Wire.JSON, List.of(McpServerClient.task("never")));
        ServeProcess.awaitCondition("the pull to reach the registry", WAIT, () -> !held.isEmpty());

        long t0 = System.nanoTime();
        McpServerClient.Reply fast =
            fastClient.run("sh_v0.0", List.of(McpServerClient.task("-c 'echo meanwhile'")));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertEquals("meanwhile\n", fast.only().stdout(), fast.toString());
        assertTrue(
            took.compareTo(Duration.ofSeconds(20)) < 0,
            "the default-image job waited " + took + " for the pull\n" + d.process().log());
        assertTrue(
            d.process()
                .log()
                .contains(
                    "preparing image " + slowImage + "; its container slot is free meanwhile"),
            d.process().log());

        // End the pull: the job on the unpullable image fails its task, as one that cannot start.
        // Refuse new connections first: the JDK's HttpClient retries a GET whose connection closes.
        silent.close();
        for (Socket s : held) {
          s.close();
        }
        McpServerClient.TaskReply failed = slowClient.await(pulling).only();
        assertEquals(1, failed.exit(), failed.toString());
        assertTrue(
            failed.stderror().contains("mrt: image " + slowImage + " is not usable"),
            failed.toString());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testJobApi_endToEnd(Mode mode) throws Exception {
    MrtCli.assume(mode);
    Path logs = Files.createTempDirectory("mrt-gearmand");
    String token = "t0ken-" + mode;
    try (Gearmand g = Gearmand.start(logs, "api");
        Daemon d =
            serve(
                mode,
                "api",
                g,
                Map.of("MRT_API_TOKEN", token, "MRT_POOL_SIZE", "1", "MRT_API_QUEUE_LIMIT", "0"))) {
      poll(d, "/q/health/ready", r -> r.statusCode() == 200);

      HttpResponse<String> ok =
          post(
              d,
              "/v1/jobs",
              "{\"args\":[\"python3\",\"-c\","
                  + "\"import os,sys; print(sys.stdin.read().upper(), os.environ['X'], os.getcwd())\"],"
                  + "\"env\":{\"X\":\"ex\"},\"workdir\":\"/usr\",\"stdin\":\"hello\"}",
              token);
      assertEquals(200, ok.statusCode(), ok.body());
      JsonNode job = JSON.readTree(ok.body());
      assertEquals(0, job.get("exitCode").asInt(), ok.body());
      assertEquals("HELLO ex /usr\n", job.get("stdout").asText());
      assertEquals("done", job.get("status").asText());
      assertEquals(false, job.get("timedOut").asBoolean());
      assertTrue(job.has("startedAt") && job.has("finishedAt"), ok.body());

      // A wrong or missing token.
      assertEquals(401, post(d, "/v1/jobs", "{\"args\":[\"true\"]}", "wrong").statusCode());
      HttpResponse<String> none = post(d, "/v1/jobs", "{\"args\":[\"true\"]}", null);
      assertEquals(401, none.statusCode());
      assertEquals(
          "Bearer realm=\"mrt\"", none.headers().firstValue("WWW-Authenticate").orElse(""));

      // Bad bodies name the field.
      HttpResponse<String> bad =
          post(d, "/v1/jobs", "{\"args\":[\"true\"],\"timeout\":\"x\"}", token);
      assertEquals(400, bad.statusCode());
      assertEquals(
          "application/problem+json",
          bad.headers().firstValue("Content-Type").orElse("").split(";")[0]);
      assertEquals("timeout", JSON.readTree(bad.body()).get("field").asText());
      assertEquals(400, post(d, "/v1/jobs", "{\"args\":", token).statusCode());
      // Host paths and registries are refused unless allowed, and alike whether they exist.
      for (String image : List.of("/etc/passwd", "/nonexistent.tar", "127.0.0.1:1/x:1")) {
        HttpResponse<String> refused =
            post(d, "/v1/jobs", "{\"args\":[\"true\"],\"image\":\"" + image + "\"}", token);
        assertEquals(400, refused.statusCode(), refused.body());
        JsonNode problem = JSON.readTree(refused.body());
        assertEquals("image", problem.get("field").asText());
        assertTrue(
            problem
                .toString()
                .contains(
                    "image '"
                        + image
                        + "' is not one API jobs may"
                        + " use (default); an operator adds it to mrt.api.allowed-images"),
            problem.toString());
      }
      // Expect: 100-continue, as a careful client sends a large body: the 413 comes before the
      // body, not as a race with the server closing a connection still being written to.
      HttpRequest.Builder tooLarge =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + "/v1/jobs"))
              .header("Content-Type", "application/json")
              .header("Authorization", "Bearer " + token)
              .expectContinue(true)
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"args\":[\"" + "a".repeat(2 << 20) + "\"]}"));
      assertEquals(413, send(tooLarge).statusCode());

      // A timeout.
      JsonNode slow =
          JSON.readTree(
              post(d, "/v1/jobs", "{\"args\":[\"sleep\",\"30\"],\"timeout\":\"1s\"}", token)
                  .body());
      assertEquals(124, slow.get("exitCode").asInt());
      assertTrue(slow.get("timedOut").asBoolean());

      // A full pool (size 1, no queue): 202 for the first, 429 for the next; DELETE kills.
      HttpResponse<String> accepted =
          post(d, "/v1/jobs?wait=false", "{\"args\":[\"sleep\",\"60\"]}", token);
      assertEquals(202, accepted.statusCode(), accepted.body());
      String id = JSON.readTree(accepted.body()).get("id").asText();
      HttpResponse<String> full = post(d, "/v1/jobs", "{\"args\":[\"true\"]}", token);
      assertEquals(429, full.statusCode(), full.body());
      HttpResponse<String> deleted =
          send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + "/v1/jobs/" + id))
                  .header("Authorization", "Bearer " + token)
                  .DELETE());
      assertEquals(
          "cancelled", JSON.readTree(deleted.body()).get("status").asText(), deleted.body());
      HttpResponse<String> fetched =
          send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + "/v1/jobs/" + id))
                  .header("Authorization", "Bearer " + token));
      assertEquals("cancelled", JSON.readTree(fetched.body()).get("status").asText());
      assertEquals(
          404,
          send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + "/v1/jobs/nope"))
                  .header("Authorization", "Bearer " + token))
              .statusCode());
      // After the kill the pool takes work again.
      assertEquals(200, post(d, "/v1/jobs", "{\"args\":[\"true\"]}", token).statusCode());

      assertTrue(get(d, "/q/openapi").body().contains("/v1/jobs"), "OpenAPI document");
    }
  }
}
