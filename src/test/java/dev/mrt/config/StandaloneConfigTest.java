package dev.mrt.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.MrtException;
import io.smallrye.config.SmallRyeConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StandaloneConfigTest {
  private static final String[] SET = {
    "mrt.container.hostname", "mrt.container.hostnam", "mrt.images.timeout", "mrt.pool.size"
  };

  /** The build's own -Dmrt.* switches (mrt.assets.skip, ...) reach this JVM: set aside. */
  private final Map<String, String> build = new HashMap<>();

  @BeforeEach
  void setAsideTheBuildsSwitches() {
    for (String key : System.getProperties().stringPropertyNames()) {
      if (key.startsWith("mrt.")) {
        build.put(key, System.clearProperty(key));
      }
    }
  }

  @AfterEach
  void restore() {
    for (String key : SET) {
      System.clearProperty(key);
    }
    build.forEach(System::setProperty);
  }

  @Test
  void readsTheJarsApplicationPropertiesSystemPropertiesAndDefaults() {
    System.setProperty("mrt.container.hostname", "from-property");
    System.setProperty("mrt.pool.size", "3");
    SmallRyeConfig config = StandaloneConfig.load();
    MrtConfig mrt = config.getConfigMapping(MrtConfig.class);
    assertEquals("from-property", mrt.container().hostname());
    assertEquals(Duration.ofMinutes(5), mrt.images().timeout());
    assertEquals(3, config.getConfigMapping(PoolConfig.class).size().orElseThrow());
    assertEquals(
        "%d{HH:mm:ss.SSS} %-5p [%c{1}] %s%e%n",
        config.getValue("quarkus.log.console.format", String.class));
  }

  @Test
  void aMisspeltKeyIsOneLineNamingIt() {
    System.setProperty("mrt.container.hostnam", "x");
    MrtException e = assertThrows(MrtException.class, StandaloneConfig::load);
    assertTrue(e.getMessage().contains("mrt.container.hostnam"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertFalse(e.getMessage().contains("SRCFG"), e.getMessage());
    assertEquals(125, e.exitCode());
  }

  @Test
  void aValueThatDoesNotConvertIsOneLineNamingIt() {
    System.setProperty("mrt.images.timeout", "soon");
    MrtException e = assertThrows(MrtException.class, StandaloneConfig::load);
    assertTrue(e.getMessage().contains("mrt.images.timeout"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }
}
