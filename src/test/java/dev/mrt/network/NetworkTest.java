package dev.mrt.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.MrtException;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkTest {

  @Test
  void testParse_kindsAndEndpoints() {
    assertEquals(Network.HOST, Network.parse("host", "x"));
    assertEquals(Network.NONE, Network.parse(" none ", "x"));
    assertEquals(Network.PRIVATE, Network.parse("private", "x"));
    assertEquals(
        new Network.Endpoints(
            List.of(
                new Endpoint("db", 3306),
                new Endpoint("127.0.0.1", 8000),
                new Endpoint("::1", 3310))),
        Network.parse("db:3306, 127.0.0.1:8000,[::1]:3310", "x"));
    assertTrue(Network.PRIVATE.userMode());
    assertFalse(Network.NONE.userMode());
    assertFalse(Network.HOST.userMode());
    // No endpoints at all: loopback alone, no pasta to start.
    assertFalse(new Network.Endpoints(List.of()).userMode());
    assertTrue(Network.parse("db:3306", "x").userMode());
  }

  @Test
  void testParse_badInputSaysWhereAndWhatToGive() {
    assertEquals(
        "bad --network 'bridge': use host, none, private or endpoints as"
            + " HOST:PORT[,HOST:PORT...]",
        assertThrows(MrtException.class, () -> Network.parse("bridge", "--network")).getMessage());
    assertEquals(
        "bad --network 'db:x': the port must be a number",
        assertThrows(MrtException.class, () -> Network.parse("db:x", "--network")).getMessage());
    assertEquals(
        "bad endpoint port 70000: use 1-65535",
        assertThrows(MrtException.class, () -> Network.parse("db:70000", "--network"))
            .getMessage());
    assertTrue(
        assertThrows(MrtException.class, () -> Network.parse("", "mrt.api.network"))
            .getMessage()
            .startsWith("empty mrt.api.network"));
  }

  @Test
  void testEndpoints_anAddressCannotBeRedirected() {
    // Inside, only a name (through /etc/hosts) can lead to a forwarded loopback port.
    assertEquals(
        "endpoint 10.0.0.5:3306 is an address; give it by a host name the host"
            + " resolves, or use 127.0.0.1 for the host's own loopback",
        assertThrows(MrtException.class, () -> Network.parse("10.0.0.5:3306", "x")).getMessage());
    assertThrows(MrtException.class, () -> Network.parse("127.0.0.2:3306", "x"));
  }

  @Test
  void testEndpoints_onePortOneService() {
    assertEquals(
        "endpoints db:3306 and other:3306 share port 3306; a container can reach one"
            + " service per port",
        assertThrows(MrtException.class, () -> Network.parse("db:3306,other:3306", "x"))
            .getMessage());
    Network.Endpoints e = (Network.Endpoints) Network.parse("db:3306", "x");
    assertEquals(e, e.plus(List.of(new Endpoint("db", 3306))));
    assertEquals(2, e.plus(List.of(new Endpoint("ss", 8000))).endpoints().size());
  }

  @Test
  void testEndpoint_loopbackAndNames() {
    assertTrue(new Endpoint("localhost", 1).loopback());
    assertTrue(new Endpoint("127.0.0.1", 1).loopback());
    assertFalse(new Endpoint("db.example", 1).loopback());
    assertTrue(new Endpoint("db.example", 1).named());
    assertFalse(new Endpoint("localhost", 1).named());
    assertFalse(new Endpoint("127.0.0.1", 1).named());
    assertEquals("[::1]:3310", new Endpoint("::1", 3310).toString());
  }
}
