package dev.mrt.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChallengeTest {
  @Test
  void testParse_bearer() {
    List<Challenge> c =
        Challenge.parse(
            "Bearer realm=\"https://auth.docker.io/token\","
                + "service=\"registry.docker.io\",scope=\"repository:library/python:pull\"");
    assertEquals(
        List.of(
            new Challenge(
                "bearer",
                Map.of(
                    "realm",
                    "https://auth.docker.io/token",
                    "service",
                    "registry.docker.io",
                    "scope",
                    "repository:library/python:pull"))),
        c);
  }

  @Test
  void testParse_basicAndSeveral() {
    assertEquals(
        List.of(new Challenge("basic", Map.of("realm", "Registry Realm"))),
        Challenge.parse("Basic realm=\"Registry Realm\""));
    List<Challenge> two = Challenge.parse("Basic realm=r, Bearer realm=\"a,b\", error=\"x\\\"y\"");
    assertEquals(2, two.size());
    assertEquals("a,b", two.get(1).params().get("realm"));
    assertEquals("x\"y", two.get(1).params().get("error"));
  }

  @Test
  void testParse_garbageGivesNothingUsable() {
    assertEquals(List.of(), Challenge.parse(""));
    assertEquals(List.of(new Challenge("negotiate", Map.of())), Challenge.parse("Negotiate"));
  }
}
