package dev.mrt.archivematica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.archivematica.db.TaskRows;
import dev.mrt.bundle.BindMount;
import dev.mrt.gearman.GearmanJob;
import dev.mrt.gearman.JobHandler;
import dev.mrt.gearman.JobReply;
import dev.mrt.gearman.ServerAddress;
import dev.mrt.pool.ContainerPool;
import dev.mrt.pool.PoolSnapshot;
import dev.mrt.runtime.ContainerExit;
import dev.mrt.testing.Await;
import dev.mrt.testing.FakeImages;
import dev.mrt.testing.GateSlot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Job handling from claim to reply, with a pool of fake slots and fake images: no runc. */
class McpClientJobsTest {
  private static final String U1 = "8022802f-6097-43d8-b217-2ed7f2b38f09";
  private static final String U2 = "1b3d7f3e-5c0a-4a53-9d43-5a5f3d3c2b10";

  @TempDir Path temp;

  /** Each task exits with the number its arguments give, printing them. */
  private final GateSlot slot =
      GateSlot.open(
          t ->
              GateSlot.outcome(
                  new ContainerExit.Exited(Integer.parseInt(t.request().args().get(1))),
                  "ran " + t.request().args().get(1),
                  ""));

  private final ContainerPool pool = new ContainerPool(1, slot);
  private final List<String> rows = Collections.synchronizedList(new ArrayList<>());
  private final List<String> batches = Collections.synchronizedList(new ArrayList<>());

  /** Remembers the one reply a job gets. */
  private static final class Reply implements JobReply {
    final CompletableFuture<String> sent = new CompletableFuture<>();

    @Override
    public boolean complete(byte[] data) {
      return sent.complete(new String(data, StandardCharsets.UTF_8));
    }

    @Override
    public boolean fail() {
      return sent.complete("WORK_FAIL");
    }

    String await() throws Exception {
      return sent.get(10, TimeUnit.SECONDS);
    }
  }

  private final TaskRows taskRows =
      new TaskRows() {
        @Override
        public void started(Collection<String> taskUuids, Instant at) {
          rows.add("started " + taskUuids);
        }

        @Override
        public void finished(List<Finished> tasks) {
          tasks.forEach(
              t ->
                  rows.add(
                      "finished "
                          + t.taskUuid()
                          + " "
                          + t.exitCode()
                          + t.stderr()
                              .filter(e -> !e.isBlank())
                              .map(e -> " " + e.strip())
                              .orElse("")));
        }
      };

  @AfterEach
  void stopPool() {
    pool.shutdown(Duration.ZERO);
  }

  private McpClientJobs jobs(FakeImages images) {
    FunctionTable functions =
        TestFunctions.table(
            "echo_v0.0 = echo\n",
            Map.of("mrt.archivematica.image", "tools", "mrt.archivematica.command", "{module}"));
    McpClientJobs.Settings settings =
        new McpClientJobs.Settings(
            new BindMount(temp, temp.toString(), false),
            Optional.empty(),
            List.of(),
            1024,
            true,
            false,
            Optional.empty(),
            Map.of());
    Clock clock = Clock.systemUTC();
    return new McpClientJobs(
        functions,
        pool,
        images,
        new Tokens(temp + "/", "/assets/", clock),
        settings,
        temp.resolve("batches"),
        taskRows,
        (f, results, d) -> batches.add(f + " " + results.size()),
        clock);
  }

  private static GearmanJob job(String function, String payload) {
    return new GearmanJob(
        new ServerAddress("127.0.0.1", 4730),
        "H:test:1",
        function,
        "batch-1",
        payload.getBytes(StandardCharsets.UTF_8));
  }

  private static String tasks(String firstArgs, String secondArgs) {
    return "{\"tasks\":{\""
        + U1
        + "\":{\"createdDate\":\"2024-01-01T00:00:00+00:00\","
        + "\"arguments\":\""
        + firstArgs
        + "\"},\""
        + U2
        + "\":{\"createdDate\":"
        + "\"2024-01-01T00:00:00+00:00\",\"arguments\":\""
        + secondArgs
        + "\"}}}";
  }

  private Reply handle(McpClientJobs jobs, GearmanJob job) throws Exception {
    Reply reply = new Reply();
    jobs.acquire(Duration.ofSeconds(1)).orElseThrow().handle(job, reply);
    return reply;
  }

  @Test
  void testHandle_taskModeRunsEachTaskAndReplies() throws Exception {
    McpClientJobs jobs = jobs(new FakeImages(temp).withReady("tools", temp));

    String reply = handle(jobs, job("echo_v0.0", tasks("0", "3"))).await();

    assertTrue(reply.startsWith("{\"task_results\":{\"" + U1 + "\":{\"exitCode\":0,"), reply);
    assertTrue(reply.contains("\"stdout\":\"ran 0\""), reply);
    assertTrue(reply.contains("\"" + U2 + "\":{\"exitCode\":3,"), reply);
    assertEquals(
        List.of(List.of("echo", "0"), List.of("echo", "3")),
        slot.tasks.stream().map(t -> t.request().args()).toList());
    assertEquals(
        List.of(
            "started [" + U1 + ", " + U2 + "]", "finished " + U1 + " 0", "finished " + U2 + " 3"),
        rows);
    assertEquals(List.of("echo_v0.0 2"), batches);
    Await.until(() -> pool.snapshot().equals(new PoolSnapshot(1, 0, 0)));
  }

  @Test
  void testHandle_unknownFunctionFailsAndGivesTheSlotBack() throws Exception {
    McpClientJobs jobs = jobs(new FakeImages(temp).withReady("tools", temp));

    assertEquals("WORK_FAIL", handle(jobs, job("nope_v0.0", tasks("0", "0"))).await());
    Await.until(() -> pool.snapshot().equals(new PoolSnapshot(1, 0, 0)));
    assertTrue(slot.tasks.isEmpty());
  }

  @Test
  void testHandle_undecodablePayloadFails() throws Exception {
    McpClientJobs jobs = jobs(new FakeImages(temp).withReady("tools", temp));

    assertEquals("WORK_FAIL", handle(jobs, job("echo_v0.0", "{not json")).await());
    Await.until(() -> pool.snapshot().equals(new PoolSnapshot(1, 0, 0)));
  }

  @Test
  void testHandle_pullGivesTheSlotBackMeanwhile() throws Exception {
    List<PoolSnapshot> duringPull = new ArrayList<>();
    FakeImages images =
        new FakeImages(temp)
            .withPullable("tools", temp)
            .duringPull(() -> duringPull.add(pool.snapshot()));
    McpClientJobs jobs = jobs(images);

    String reply = handle(jobs, job("echo_v0.0", tasks("0", "0"))).await();

    assertEquals(List.of("tools"), images.pulls);
    assertEquals(List.of(new PoolSnapshot(1, 0, 0)), duringPull);
    assertTrue(reply.contains("\"" + U2 + "\":{\"exitCode\":0,"), reply);
  }

  @Test
  void testHandle_unusableImageFailsEveryTask() throws Exception {
    McpClientJobs jobs = jobs(new FakeImages(temp));

    String reply = handle(jobs, job("echo_v0.0", tasks("0", "0"))).await();

    assertTrue(reply.contains("\"" + U1 + "\":{\"exitCode\":1,"), reply);
    assertTrue(
        reply.contains("mrt: image tools is not usable: no image tools in this test"), reply);
    assertTrue(slot.tasks.isEmpty());
  }

  @Test
  void testAcquire_emptyWhilePoolIsFull() throws Exception {
    McpClientJobs jobs = jobs(new FakeImages(temp));
    JobHandler.Claim claim = jobs.acquire(Duration.ofMillis(10)).orElseThrow();

    assertEquals(Optional.empty(), jobs.acquire(Duration.ofMillis(50)));
    claim.close();
    claim.close();
    assertEquals(new PoolSnapshot(1, 0, 0), pool.snapshot());
    assertFalse(jobs.acquire(Duration.ofMillis(10)).isEmpty());
  }
}
