package dev.mrt.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt.config.ApiConfig;
import dev.mrt.config.PoolConfig;
import dev.mrt.pool.ContainerPool;
import dev.mrt.runtime.ContainerExit;
import dev.mrt.testing.Await;
import dev.mrt.testing.FakeImages;
import dev.mrt.testing.GateSlot;
import dev.mrt.testing.TestConfigs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP jobs in the pool, with fake slots and images: no runc, no HTTP. */
class JobStoreTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  /** Tasks wait for the test, then print their first argument and exit 0. */
  private final GateSlot slot =
      new GateSlot(
          0, t -> GateSlot.outcome(new ContainerExit.Exited(0), t.request().args().get(0), ""));

  private final ContainerPool pool = new ContainerPool(1, slot);

  @AfterEach
  void stopPool() {
    pool.shutdown(Duration.ZERO);
  }

  private JobStore store(Map<String, String> api) {
    return new JobStore(
        pool,
        new FakeImages(temp).withReady("default", temp),
        TestConfigs.mapping(ApiConfig.class, api),
        TestConfigs.mapping(PoolConfig.class, Map.of()));
  }

  private static JobRequest request(String image, String arg) throws Exception {
    return JobRequest.parse(
        JSON.readTree("{\"image\":\"" + image + "\",\"args\":[\"" + arg + "\"]}"));
  }

  private static Problem problem(ProblemException e) {
    return (Problem) e.getResponse().getEntity();
  }

  @Test
  void testSubmit_runsAndAwaitReportsTheResult() throws Exception {
    JobStore store = store(Map.of());
    String id = store.submit(request("default", "hello"));
    Await.until(() -> slot.running.get() == 1);
    assertEquals("running", store.get(id).orElseThrow().status());
    slot.release.release();

    JobView done = store.await(id, 10).orElseThrow();
    assertEquals("done", done.status());
    assertEquals(0, done.exitCode());
    assertEquals("hello", done.stdout());
  }

  @Test
  void testSubmit_imageNotAllowedIs400() {
    JobStore store = store(Map.of());

    ProblemException e =
        assertThrows(ProblemException.class, () -> store.submit(request("python:3.12", "x")));
    assertEquals(400, e.getResponse().getStatus());
    assertEquals(
        "image 'python:3.12' is not one API jobs may use (default); an operator adds it"
            + " to mrt.api.allowed-images",
        problem(e).detail());
  }

  @Test
  void testSubmit_fullPoolAndQueueIs429() throws Exception {
    JobStore store = store(Map.of("mrt.api.queue-limit", "1"));
    store.submit(request("default", "running"));
    Await.until(() -> slot.running.get() == 1);
    store.submit(request("default", "waiting"));

    ProblemException e =
        assertThrows(ProblemException.class, () -> store.submit(request("default", "refused")));
    assertEquals(429, e.getResponse().getStatus());
    assertEquals(
        "all 1 container slots are busy and 1 jobs wait already; retry later", problem(e).detail());
    slot.release.release(2);
  }

  @Test
  void testCancel_waitingJobIsCancelled() throws Exception {
    JobStore store = store(Map.of());
    store.submit(request("default", "running"));
    String waiting = store.submit(request("default", "waiting"));

    JobView cancelled = store.cancel(waiting).orElseThrow();
    assertEquals("cancelled", cancelled.status());
    assertEquals("cancelled by DELETE /v1/jobs/" + waiting, cancelled.error());
    slot.release.release();
  }

  @Test
  void testGet_unknownIdIsEmpty() {
    assertEquals(Optional.empty(), store(Map.of()).get("nope"));
  }
}
