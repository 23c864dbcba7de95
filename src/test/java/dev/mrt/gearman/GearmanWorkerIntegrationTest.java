package dev.mrt.gearman;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link GearmanWorker} against real gearmand processes on 127.0.0.1. */
@Tag("integration")
class GearmanWorkerIntegrationTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private final List<Gearmand> gearmands = new ArrayList<>();
  private final ExecutorService jobThreads = Executors.newCachedThreadPool();
  private final List<ServerState> states = new CopyOnWriteArrayList<>();

  /** Echoes the job data back, prefixed with the function name, on its own thread. */
  private final class EchoHandler implements JobHandler {
    private final Semaphore slots = new Semaphore(2);

    @Override
    public Optional<Claim> acquire(Duration timeout) throws InterruptedException {
      if (!slots.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return Optional.empty();
      }
      return Optional.of(
          new Claim() {
            private boolean handed;

            @Override
            public void handle(GearmanJob job, JobReply reply) {
              jobThreads.execute(
                  () -> {
                    try {
                      echo(job, reply);
                    } finally {
                      slots.release();
                    }
                  });
              handed = true;
            }

            @Override
            public void close() {
              if (!handed) {
                handed = true;
                slots.release();
              }
            }
          });
    }

    private void echo(GearmanJob job, JobReply reply) {
      byte[] prefix = (job.function() + ":" + job.unique() + ":").getBytes(StandardCharsets.UTF_8);
      byte[] out = new byte[prefix.length + job.data().length];
      System.arraycopy(prefix, 0, out, 0, prefix.length);
      System.arraycopy(job.data(), 0, out, prefix.length, job.data().length);
      if (new String(job.data(), StandardCharsets.UTF_8).equals("fail")) {
        reply.fail();
      } else {
        reply.complete(out);
      }
    }
  }

  @AfterEach
  void stopGearmands() {
    gearmands.forEach(Gearmand::close);
    jobThreads.shutdownNow();
  }

  @Test
  void testWorker_echoesRestartsAndServesTwoServers() throws Exception {
    Gearmand a = gearmand("a");
    ServerAddress first = a.address();
    ServerAddress second = gearmand("b").address();
    WorkerOptions options =
        WorkerOptions.defaults("mrt-test")
            .withBackoff(new Backoff(Duration.ofMillis(50), Duration.ofMillis(400)))
            .withPollAndEcho(Duration.ofMillis(100), Duration.ofMillis(500));
    try (GearmanWorker worker =
        new GearmanWorker(
            List.of(first, second),
            List.of("echo_v0.0", "other_v0.0"),
            new EchoHandler(),
            options,
            states::add)) {
      worker.start();

      // Jobs on both servers, data with NULs, and a whole-job failure.
      assertEchoed(first, "echo_v0.0", "u1", "hello\0world");
      assertEchoed(second, "other_v0.0", "u2", "{\"tasks\":{}}");
      try (GearmanClient client = new GearmanClient(first, TIMEOUT)) {
        assertTrue(client.submitAndWait("echo_v0.0", "u3", bytes("fail")).failed());
      }

      // Several jobs at once, more than the worker's two slots: all complete.
      try (GearmanClient client = new GearmanClient(second, TIMEOUT)) {
        List<String> handles = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          handles.add(client.submit("echo_v0.0", "many" + i, bytes("n" + i)));
        }
        for (int i = 0; i < 6; i++) {
          GearmanClient.Result result = client.await(handles.get(i));
          assertFalse(result.failed());
          assertEquals("echo_v0.0:many" + i + ":n" + i, text(result.data()));
        }
      }

      // Restart the first gearmand on the same port: the worker must come back to it.
      a.stop();
      // Let the worker notice the loss before the new gearmand is up.
      Thread.sleep(300);
      a.restart();
      assertEchoed(first, "echo_v0.0", "after-restart", "again");
      assertTrue(
          states.stream()
              .anyMatch(
                  s ->
                      s.server().equals(first)
                          && s.status() == ServerState.Status.CONNECTED
                          && s.reconnects() == 1),
          "states: " + states);
      assertTrue(
          states.stream()
              .anyMatch(
                  s -> s.server().equals(first) && s.status() == ServerState.Status.DISCONNECTED),
          "states: " + states);
      // The second server was not disturbed.
      assertEquals(ServerState.Status.CONNECTED, worker.states().get(1).status());
      assertEquals(0, worker.states().get(1).reconnects());
    }
    assertTrue(states.stream().anyMatch(s -> s.status() == ServerState.Status.CLOSED));
  }

  @Test
  void testWorker_oversizedJobFailedOnceOnTheSameConnection() throws Exception {
    ServerAddress server = gearmand("big").address();
    WorkerOptions defaults =
        WorkerOptions.defaults("mrt-test")
            .withPollAndEcho(Duration.ofMillis(100), Duration.ofMillis(500));
    WorkerOptions options =
        new WorkerOptions(
            defaults.clientId(),
            defaults.connectTimeout(),
            defaults.replyTimeout(),
            defaults.pollInterval(),
            defaults.echoInterval(),
            defaults.backoff(),
            64 * 1024);
    List<String> handled = new CopyOnWriteArrayList<>();
    EchoHandler echo = new EchoHandler();
    JobHandler counting =
        timeout ->
            echo.acquire(timeout)
                .map(
                    claim ->
                        new JobHandler.Claim() {
                          @Override
                          public void handle(GearmanJob job, JobReply reply) {
                            handled.add(job.unique());
                            claim.handle(job, reply);
                          }

                          @Override
                          public void close() {
                            claim.close();
                          }
                        });
    try (GearmanWorker worker =
        new GearmanWorker(List.of(server), List.of("echo_v0.0"), counting, options, states::add)) {
      worker.start();
      try (GearmanClient client = new GearmanClient(server, TIMEOUT)) {
        byte[] big = new byte[200 * 1024];
        Arrays.fill(big, (byte) 'x');
        String bigJob = client.submit("echo_v0.0", "big", big);
        String small = client.submit("echo_v0.0", "small", bytes("after"));
        assertTrue(client.await(bigJob).failed(), "over the limit: WORK_FAIL");
        GearmanClient.Result r = client.await(small);
        assertEquals("echo_v0.0:small:after", text(r.data()));
      }
      // Neither job came back: the big one never reached the handler, the other ran once.
      Thread.sleep(500);
      assertEquals(List.of("small"), handled);
      assertTrue(
          states.stream().noneMatch(st -> st.status() == ServerState.Status.DISCONNECTED),
          "the connection was kept: " + states);
    }
  }

  private Gearmand gearmand(String name) {
    Gearmand g = Gearmand.start(dir, name);
    gearmands.add(g);
    return g;
  }

  private void assertEchoed(ServerAddress server, String function, String unique, String data)
      throws IOException {
    try (GearmanClient client = new GearmanClient(server, TIMEOUT)) {
      GearmanClient.Result result = client.submitAndWait(function, unique, bytes(data));
      assertFalse(result.failed());
      assertArrayEquals(bytes(function + ":" + unique + ":" + data), result.data());
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
