package dev.mrt.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WarmShelfTest {

  private static List<WarmShelf.Entry<String>> plan(
      WarmShelf<String, String> shelf,
      String group,
      String key,
      int want,
      List<WarmShelf.Entry<String>> discarded) {
    List<WarmShelf.Entry<String>> added = new ArrayList<>();
    discarded.addAll(shelf.plan(group, key, want, added).discard());
    return added;
  }

  private static void ready(List<WarmShelf.Entry<String>> entries, long at) {
    for (WarmShelf.Entry<String> e : entries) {
      e.readyAt = at;
      e.container.complete("c" + at);
    }
  }

  @Test
  void testPlan_startsWhatIsMissingForTheKeyOnly() {
    WarmShelf<String, String> shelf = new WarmShelf<>(10);
    List<WarmShelf.Entry<String>> none = new ArrayList<>();
    assertEquals(2, plan(shelf, "f", "k", 2, none).size());
    assertEquals(0, plan(shelf, "f", "k", 2, none).size(), "two are on their way already");
    shelf.take("k");
    assertEquals(1, plan(shelf, "f", "k", 2, none).size());
    assertEquals(List.of(), none);
    assertEquals(2, shelf.size());
  }

  @Test
  void testHolds_whileOneIsReadyOrStartingForTheKey() {
    WarmShelf<String, String> shelf = new WarmShelf<>(10);
    assertFalse(shelf.holds("k"));
    plan(shelf, "f", "k", 2, new ArrayList<>());
    assertTrue(shelf.holds("k"), "two being started");
    assertFalse(shelf.holds("other"));
    shelf.take("k");
    assertTrue(shelf.holds("k"), "one left");
    shelf.take("k");
    assertFalse(shelf.holds("k"), "the last one taken");
  }

  @Test
  void testTake_prefersAReadyOneOverOneStillStarting() {
    WarmShelf<String, String> shelf = new WarmShelf<>(10);
    List<WarmShelf.Entry<String>> added = plan(shelf, "f", "k", 2, new ArrayList<>());
    ready(List.of(added.get(1)), 5);
    assertSame(added.get(1), shelf.take("k").orElseThrow());
    assertSame(added.get(0), shelf.take("k").orElseThrow(), "then the one being started");
    assertTrue(shelf.take("k").isEmpty());
  }

  @Test
  void testPlan_groupWhoseKeyChangedGivesUpTheOldKeys() {
    WarmShelf<String, String> shelf = new WarmShelf<>(10);
    List<WarmShelf.Entry<String>> old = plan(shelf, "f", "image-v1", 2, new ArrayList<>());
    List<WarmShelf.Entry<String>> discarded = new ArrayList<>();
    plan(shelf, "f", "image-v2", 2, discarded);
    assertEquals(old, discarded);
    assertTrue(shelf.take("image-v1").isEmpty());
    assertEquals(2, shelf.size());
  }

  @Test
  void testPlan_keySharedWithAnotherGroupIsKept() {
    WarmShelf<String, String> shelf = new WarmShelf<>(10);
    plan(shelf, "f", "k", 1, new ArrayList<>());
    plan(shelf, "g", "k", 1, new ArrayList<>());
    List<WarmShelf.Entry<String>> discarded = new ArrayList<>();
    plan(shelf, "f", "k2", 1, discarded);
    assertEquals(List.of(), discarded, "g still uses k");
  }

  @Test
  void testPlan_boundInAllEvictsTheLeastRecentlyUsedKey() {
    WarmShelf<String, String> shelf = new WarmShelf<>(3);
    List<WarmShelf.Entry<String>> a = plan(shelf, "a", "ka", 2, new ArrayList<>());
    plan(shelf, "b", "kb", 1, new ArrayList<>());
    List<WarmShelf.Entry<String>> discarded = new ArrayList<>();
    shelf.take("kb"); // b used most recently; a is the one to give way, oldest first
    List<WarmShelf.Entry<String>> c = plan(shelf, "c", "kc", 2, discarded);
    assertEquals(2, c.size());
    assertEquals(List.of(a.get(0)), discarded);
    assertEquals(3, shelf.size());
  }

  @Test
  void testPlan_neverMoreThanTheBoundEvenForOneKey() {
    WarmShelf<String, String> shelf = new WarmShelf<>(2);
    assertEquals(2, plan(shelf, "f", "k", 5, new ArrayList<>()).size());
  }

  @Test
  void testExpired_onlyReadyOnesPastTheirIdleTime() {
    WarmShelf<String, String> shelf = new WarmShelf<>(10);
    List<WarmShelf.Entry<String>> added = plan(shelf, "f", "k", 3, new ArrayList<>());
    added.get(0).readyAt = 100;
    added.get(0).container.complete("old");
    added.get(1).readyAt = 900;
    added.get(1).container.complete("new");
    assertEquals(List.of(added.get(0)), shelf.expired(1000, 500));
    assertEquals(2, shelf.size(), "the young one and the one still starting stay");
  }

  @Test
  void testClearAndRemove() {
    WarmShelf<String, String> shelf = new WarmShelf<>(10);
    List<WarmShelf.Entry<String>> added = plan(shelf, "f", "k", 3, new ArrayList<>());
    shelf.remove(added.get(0));
    assertEquals(2, shelf.size());
    assertEquals(2, shelf.clear().size());
    assertEquals(0, shelf.size());
  }
}
