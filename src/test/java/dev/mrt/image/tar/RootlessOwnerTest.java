package dev.mrt.image.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RootlessOwnerTest {
  @Test
  void testEncode_bothFieldsAsVarints() {
    // uid 1 -> 08 01; gid 300 -> 10 AC 02 (300 = 0b10_0101100)
    assertArrayEquals(
        new byte[] {0x08, 0x01, 0x10, (byte) 0xAC, 0x02}, new RootlessOwner(1, 300).encode());
  }

  @Test
  void testEncode_largestIdTakesFiveBytes() {
    assertArrayEquals(
        new byte[] {0x08, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F},
        new RootlessOwner(0xFFFF_FFFFL, 0).encode());
  }

  @Test
  void testOf_rootRootHasNoValue() {
    assertEquals(Optional.empty(), RootlessOwner.of(0, 0));
    assertEquals(Optional.of(new RootlessOwner(0, 5)), RootlessOwner.of(0, 5));
  }

  @Test
  void testNew_idBeyond32BitsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new RootlessOwner(1L << 32, 0));
  }
}
