package dev.mrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizeTest {
  @ParameterizedTest
  @CsvSource({
    "4096, 4096",
    "0, 0",
    "64k, 65536",
    "' 64K ', 65536",
    "512M, 536870912",
    "512m, 536870912",
    "512mb, 536870912",
    "512 MiB, 536870912",
    "10G, 10737418240",
    "1.5g, 1610612736",
    "2GiB, 2147483648",
    "1T, 1099511627776",
    "0.5k, 512",
    "1.0001k, 1024", // a fraction of a byte is dropped
  })
  void testParse_suffixesArePowersOf1024(String text, long bytes) {
    assertEquals(new ByteSize(bytes), ByteSize.parse(text));
    assertEquals(bytes, ByteSize.parse(text, "mrt.some-size").bytes());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "lots", "-5M", "5X", "M", "1.5.2G", "1,5G", "5 M B", ".5G"})
  void testParse_nonsenseNamesTheFormat(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse(text));
    assertEquals(
        "'" + text + "' is not a size; write e.g. 512M, 2G or a number of bytes", e.getMessage());
  }

  @Test
  void testParse_tooLarge() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("8388608T"));
    assertEquals("'8388608T' is too large a size", e.getMessage());
    assertEquals(8388607L << 40, ByteSize.parse("8388607T").bytes());
  }

  @Test
  void testParse_whereNamesTheSettingOnOneLine() {
    MrtException e =
        assertThrows(MrtException.class, () -> ByteSize.parse("lots", "mrt.images.cache-budget"));
    assertEquals(
        "bad mrt.images.cache-budget: 'lots' is not a size; write e.g. 512M, 2G or a"
            + " number of bytes",
        e.getMessage());
  }

  @Test
  void testNew_refusesNegative() {
    assertThrows(IllegalArgumentException.class, () -> new ByteSize(-1));
  }

  @Test
  void testParseAtLeast1M_atLeastOneMebibyteAndNamesTheSetting() {
    assertEquals(1L << 20, ByteSize.parseAtLeast1M("1M", "mrt.container.run-size"));
    assertEquals(
        "bad mrt.container.run-size: '512k' is below 1M",
        assertThrows(
                MrtException.class, () -> ByteSize.parseAtLeast1M("512k", "mrt.container.run-size"))
            .getMessage());
    assertEquals(
        "bad mrt.container.run-size: 'lots' is not a size; write e.g. 512M, 2G or a"
            + " number of bytes",
        assertThrows(
                MrtException.class, () -> ByteSize.parseAtLeast1M("lots", "mrt.container.run-size"))
            .getMessage());
  }
}
