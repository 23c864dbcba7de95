package dev.mrt.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mrt.MrtException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArchTest {
  @ParameterizedTest
  @CsvSource({"amd64,AMD64", "x86_64,AMD64", "aarch64,ARM64", "arm64,ARM64"})
  void testFromOsArch_knownNames(String osArch, Arch expected) {
    assertEquals(expected, Arch.fromOsArch(osArch));
  }

  @Test
  void testFromOsArch_unsupportedFails() {
    MrtException e = assertThrows(MrtException.class, () -> Arch.fromOsArch("riscv64"));

    assertEquals(
        "unsupported CPU architecture 'riscv64': mrt ships runc and a rootfs for amd64 and arm64"
            + " only; set mrt.runc and use an image for this architecture",
        e.getMessage());
  }
}
