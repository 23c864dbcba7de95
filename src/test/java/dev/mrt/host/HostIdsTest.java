package dev.mrt.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mrt.MrtException;
import org.junit.jupiter.api.Test;

class HostIdsTest {
  @Test
  void testParseProcStatus_takesEffectiveIds() {
    String status = "Name:\tjava\nUid:\t1000\t2000\t1000\t2000\nGid:\t100\t300\t100\t300\n";

    HostIds ids = HostIds.parseProcStatus(status);

    assertEquals(new HostIds(2000, 300, 0777), ids);
    assertFalse(ids.isRoot());
  }

  @Test
  void testParseUmask_octalLineOrAllBitsWhenMissing() {
    assertEquals(022, HostIds.parseUmask("Name:\tjava\nUmask:\t0022\nState:\tR\n"));
    assertEquals(0777, HostIds.parseUmask("Name:\tjava\n"));
  }

  @Test
  void testParseProcStatus_missingLineFails() {
    MrtException e =
        assertThrows(MrtException.class, () -> HostIds.parseProcStatus("Name:\tjava\n"));

    assertEquals("no 'Uid:' line in /proc/self/status; is /proc mounted?", e.getMessage());
  }

  @Test
  void testCurrent_matchesUserName() {
    // root runs the build here, any other user elsewhere: both must agree with user.name.
    assertEquals("root".equals(System.getProperty("user.name")), HostIds.current().isRoot());
  }
}
