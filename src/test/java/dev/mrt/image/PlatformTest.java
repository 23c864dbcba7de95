package dev.mrt.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.MrtException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlatformTest {
  @ParameterizedTest
  @CsvSource({"amd64, amd64", "x86_64, amd64", "aarch64, arm64", "ARM64, arm64"})
  void testHost_embeddedRuncCpus(String osArch, String expected) {
    assertEquals(new Platform("linux", expected, Optional.empty()), Platform.host(osArch, false));
    assertEquals(new Platform("linux", expected, Optional.empty()), Platform.host(osArch, true));
  }

  @Test
  void testHost_otherCpuWithoutHostRunc_failsNamingMrtRunc() {
    MrtException e = assertThrows(MrtException.class, () -> Platform.host("riscv64", false));
    assertTrue(e.getMessage().contains("set mrt.runc"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
    "riscv64, riscv64",
    "ppc64le, ppc64le",
    "s390x, s390x",
    "x86, 386",
    "i686, 386",
    "arm, arm",
    "mips64el, mips64le",
    "loongarch64, loong64"
  })
  void testHost_otherCpuWithHostRunc_ociName(String osArch, String expected) {
    assertEquals("linux/" + expected, Platform.host(osArch, true).toString());
  }

  @Test
  void testHost_thisMachine_sameEitherWayOnShippedCpus() {
    assertEquals(Platform.host(false), Platform.host(true));
  }

  @Test
  void testParse_roundTrips() {
    assertEquals("linux/arm64/v8", Platform.parse("linux/arm64/v8").toString());
    assertEquals("linux/amd64", Platform.parse("linux/amd64").toString());
  }

  @Test
  void testParse_invalid() {
    assertEquals(
        "invalid platform 'linux': give os/arch[/variant], e.g. linux/amd64 or" + " linux/arm64/v8",
        assertThrows(ImageException.class, () -> Platform.parse("linux")).getMessage());
  }

  @Test
  void testAccepts_variantOnlyWhenNamed() {
    Platform arm64 = Platform.parse("linux/arm64");
    assertTrue(arm64.accepts(Platform.parse("linux/arm64/v8")));
    assertFalse(Platform.parse("linux/arm64/v8").accepts(arm64));
    assertFalse(arm64.accepts(Platform.parse("linux/amd64")));
  }
}
