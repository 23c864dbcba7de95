package dev.mrt.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigMappings;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The property names README and config/ document reach the mapping methods, and the defaults of
 * what is left unset are the documented ones. A rename of a method (or a lost {@code @WithName})
 * fails here: SmallRye rejects a {@code mrt.*} property that no mapping takes.
 */
class ConfigNamesTest {
  /** The paths every test sets, so no default reads the environment. */
  private static final Map<String, String> BASE =
      Map.of(
          "mrt.cache-dir", "/c",
          "mrt.state-dir", "/s");

  /** Durations as Quarkus reads them ({@code 5m}, not only ISO-8601). */
  private static SmallRyeConfigBuilder builder() {
    return new SmallRyeConfigBuilder()
        .addDefaultInterceptors()
        .withConverter(Duration.class, 200, new DurationConverter());
  }

  private static SmallRyeConfig config(Map<String, String> properties) {
    Map<String, String> all = new HashMap<>(BASE);
    all.putAll(properties);
    SmallRyeConfigBuilder builder = builder();
    StandaloneConfig.MAPPINGS.forEach(builder::withMapping);
    return builder.withSources(new PropertiesConfigSource(all, "test", 500)).build();
  }

  /**
   * Every {@code mrt.*} key that config/*.properties shows (set or commented out), with its example
   * value, is taken by a mapping.
   */
  @Test
  void testConfigFiles_everyKeyIsMapped() throws IOException {
    Map<String, String> keys = new TreeMap<>();
    Pattern line = Pattern.compile("#?(mrt\\.[^=\\s]+)=(.*)");
    try (Stream<Path> files = Files.list(Path.of("config"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".properties")).toList()) {
        for (String l : Files.readAllLines(file)) {
          Matcher m = line.matcher(l.trim());
          if (m.matches()) {
            keys.put(m.group(1), m.group(2));
          }
        }
      }
    }
    assertTrue(keys.containsKey("mrt.container.pids-limit"), keys.keySet().toString());

    SmallRyeConfigBuilder builder = builder();
    StandaloneConfig.MAPPINGS.forEach(builder::withMapping);
    SmallRyeConfig config =
        builder
            .withValidateUnknown(true)
            .withSources(new PropertiesConfigSource(keys, "config/*.properties", 500))
            .build();

    assertEquals(
        OptionalLong.of(4096), config.getConfigMapping(MrtConfig.class).container().pidsLimit());
  }

  /** The keys of README's settings table are the ones the mapping methods take. */
  @Test
  void testReadme_settingsTableNamesAreMapped() throws IOException {
    Pattern row =
        Pattern.compile("^\\| `(mrt\\.[a-z.-]+)`(?: / `\\.([a-z-]+)`)*", Pattern.MULTILINE);
    Map<String, String> keys = new TreeMap<>();
    Matcher m = row.matcher(Files.readString(Path.of("README.md")));
    while (m.find()) {
      String first = m.group(1);
      keys.put(first, "x");
      // "`mrt.container.memory` / `.cpus` / `.pids-limit`": siblings of the first key.
      String parent = first.substring(0, first.lastIndexOf('.') + 1);
      Matcher sib = Pattern.compile("/ `\\.([a-z-]+)`").matcher(m.group());
      while (sib.find()) {
        keys.put(parent + sib.group(1), "x");
      }
    }
    // "`mrt.functions."NAME".image/command/.../warm`": one row for every per-function key.
    Matcher functions =
        Pattern.compile("\\| `mrt\\.functions\\.\"NAME\"\\.([a-zA-Z./-]+)`")
            .matcher(Files.readString(Path.of("README.md")));
    assertTrue(functions.find());
    for (String name : functions.group(1).split("/")) {
      keys.put("mrt.functions.*." + (name.equals("env.K") ? "env.*" : name), "x");
    }
    assertTrue(keys.containsKey("mrt.container.pids-limit"), keys.keySet().toString());
    assertTrue(keys.containsKey("mrt.functions.*.pids-limit"), keys.keySet().toString());

    Set<String> mapped = mappedNames();
    for (String key : keys.keySet()) {
      assertTrue(mapped.contains(key), key + " is in README.md's table but no mapping takes it");
    }
  }

  /** What the mappings take, a map's key as {@code *}: mrt.functions.*.pids-limit. */
  private static Set<String> mappedNames() {
    Set<String> names = new TreeSet<>();
    for (Class<?> c : StandaloneConfig.MAPPINGS) {
      names.addAll(
          ConfigMappings.getProperties(ConfigMappings.ConfigClass.configClass(c)).keySet());
    }
    return names;
  }

  /** The limits both groups share have one name each, here and in every function's group. */
  @Test
  void testLimitSettings_sameNamesInBothGroups() {
    Set<String> mapped = mappedNames();
    for (String limit : List.of("memory", "cpus", "pids-limit")) {
      assertTrue(mapped.contains("mrt.container." + limit), limit);
      assertTrue(mapped.contains("mrt.functions.*." + limit), limit);
    }
  }

  @Test
  void testMrt_documentedNames() {
    MrtConfig c =
        config(
                Map.ofEntries(
                    Map.entry("mrt.runc", "/usr/sbin/runc"),
                    Map.entry("mrt.container.hostname", "h"),
                    Map.entry("mrt.container.path", "/bin"),
                    Map.entry("mrt.container.memory", "512M"),
                    Map.entry("mrt.container.cpus", "1.5"),
                    Map.entry("mrt.container.pids-limit", "64"),
                    Map.entry("mrt.container.tmp-size", "2G"),
                    Map.entry("mrt.container.run-size", "32M"),
                    Map.entry("mrt.container.seccomp", "unconfined"),
                    Map.entry("mrt.container.pasta", "/usr/bin/pasta"),
                    Map.entry("mrt.images.insecure-registries", "a:5000,b"),
                    Map.entry("mrt.images.prefetch", "python:3"),
                    Map.entry("mrt.images.max-unpacked-size", "1G"),
                    Map.entry("mrt.images.max-entries", "10"),
                    Map.entry("mrt.images.parallelism", "5"),
                    Map.entry("mrt.images.attempts", "6"),
                    Map.entry("mrt.images.timeout", "7s"),
                    Map.entry("mrt.images.auth-file", "/auth.json"),
                    Map.entry("mrt.images.cache-budget", "10G"),
                    Map.entry("mrt.shutdown.drain-timeout", "9s")))
            .getConfigMapping(MrtConfig.class);

    assertEquals(Path.of("/c"), c.cacheDir());
    assertEquals(Path.of("/s"), c.stateDir());
    assertEquals(Optional.of(Path.of("/usr/sbin/runc")), c.runc());
    MrtConfig.Container k = c.container();
    assertEquals("h", k.hostname());
    assertEquals("/bin", k.path());
    assertEquals(Optional.of("512M"), k.memory());
    assertEquals(Optional.of(1.5), k.cpus());
    assertEquals(OptionalLong.of(64), k.pidsLimit());
    assertEquals("2G", k.tmpSize());
    assertEquals("32M", k.runSize());
    assertEquals("unconfined", k.seccomp());
    assertEquals(Optional.of(Path.of("/usr/bin/pasta")), k.pasta());
    MrtConfig.Images i = c.images();
    assertEquals(Optional.of(List.of("a:5000", "b")), i.insecureRegistries());
    assertEquals(Optional.of(List.of("python:3")), i.prefetch());
    assertEquals("1G", i.maxUnpackedSize());
    assertEquals(10, i.maxEntries());
    assertEquals(5, i.parallelism());
    assertEquals(6, i.attempts());
    assertEquals(Duration.ofSeconds(7), i.timeout());
    assertEquals(Optional.of(Path.of("/auth.json")), i.authFile());
    assertEquals(Optional.of("10G"), i.cacheBudget());
    assertEquals(Duration.ofSeconds(9), c.shutdown().drainTimeout());
  }

  @Test
  void testMrt_defaults() {
    MrtConfig c = config(Map.of()).getConfigMapping(MrtConfig.class);

    assertEquals(Optional.empty(), c.runc());
    MrtConfig.Container k = c.container();
    assertEquals("mrt", k.hostname());
    assertEquals("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", k.path());
    assertEquals(Optional.empty(), k.memory());
    assertEquals(Optional.empty(), k.cpus());
    assertEquals(OptionalLong.of(4096), k.pidsLimit());
    assertEquals("1G", k.tmpSize());
    assertEquals("64M", k.runSize());
    assertEquals("default", k.seccomp());
    assertEquals(Optional.empty(), k.pasta());
    MrtConfig.Images i = c.images();
    assertEquals(Optional.empty(), i.insecureRegistries());
    assertEquals("8G", i.maxUnpackedSize());
    assertEquals(2_000_000, i.maxEntries());
    assertEquals(3, i.parallelism());
    assertEquals(4, i.attempts());
    assertEquals(Duration.ofMinutes(5), i.timeout());
    assertEquals(Optional.empty(), i.authFile());
    assertEquals(Optional.empty(), i.cacheBudget());
    assertEquals(Duration.ofSeconds(60), c.shutdown().drainTimeout());
  }

  @Test
  void testFunctions_documentedNames() {
    FunctionsConfig c =
        config(
                Map.ofEntries(
                    Map.entry("mrt.functions.\"a.b_v0.0\".image", "python:3"),
                    Map.entry("mrt.functions.\"a.b_v0.0\".runner", "archivematica"),
                    Map.entry("mrt.functions.\"a.b_v0.0\".command", "x {module}"),
                    Map.entry("mrt.functions.\"a.b_v0.0\".env.K", "V"),
                    Map.entry("mrt.functions.\"a.b_v0.0\".timeout", "3m"),
                    Map.entry("mrt.functions.\"a.b_v0.0\".warm", "1"),
                    Map.entry("mrt.functions.\"a.b_v0.0\".concurrency", "2"),
                    Map.entry("mrt.functions.\"a.b_v0.0\".memory", "1G"),
                    Map.entry("mrt.functions.\"a.b_v0.0\".cpus", "0.5"),
                    Map.entry("mrt.functions.\"a.b_v0.0\".pids-limit", "32"),
                    Map.entry("mrt.functions.\"a.b_v0.0\".network", "host"),
                    Map.entry("mrt.functions.\"a.b_v0.0\".seccomp", "unconfined"),
                    Map.entry("mrt.functions.\"a.b_v0.0\".mode", "batch"),
                    Map.entry("mrt.functions.other.memory", "2G")))
            .getConfigMapping(FunctionsConfig.class);

    FunctionsConfig.Function f = c.functions().get("a.b_v0.0");
    assertEquals(Optional.of("python:3"), f.image());
    assertEquals(Optional.of(ArchivematicaConfig.Runner.ARCHIVEMATICA), f.runner());
    assertEquals(Optional.of("x {module}"), f.command());
    assertEquals(Map.of("K", "V"), f.env());
    assertEquals(Optional.of(Duration.ofMinutes(3)), f.timeout());
    assertEquals(OptionalInt.of(1), f.warm());
    assertEquals(OptionalInt.of(2), f.concurrency());
    assertEquals(Optional.of("1G"), f.memory());
    assertEquals(Optional.of(0.5), f.cpus());
    assertEquals(OptionalLong.of(32), f.pidsLimit());
    assertEquals(Optional.of("host"), f.network());
    assertEquals(Optional.of("unconfined"), f.seccomp());
    assertEquals(FunctionsConfig.Mode.BATCH, f.mode());

    // Unset limits stay unset, so the function falls back to mrt.container.*.
    FunctionsConfig.Function other = c.functions().get("other");
    assertEquals(Optional.of("2G"), other.memory());
    assertEquals(Optional.empty(), other.cpus());
    assertEquals(OptionalLong.empty(), other.pidsLimit());
    assertEquals(FunctionsConfig.Mode.TASK, other.mode());
  }

  @Test
  void testArchivematica_documentedNames() {
    ArchivematicaConfig c =
        config(
                Map.of(
                    "mrt.archivematica.modules-file", "/m.ini",
                    "mrt.archivematica.shared-directory", "/shared",
                    "mrt.archivematica.client-assets-directory", "/assets",
                    "mrt.archivematica.send-stderr", "false",
                    "mrt.archivematica.capture-output", "false"))
            .getConfigMapping(ArchivematicaConfig.class);

    assertEquals(Path.of("/m.ini"), c.modulesFile());
    assertEquals(Path.of("/shared"), c.sharedDirectory());
    assertEquals(Path.of("/assets"), c.clientAssetsDirectory());
    assertFalse(c.sendStderr());
    assertFalse(c.captureOutput());
  }

  @Test
  void testApiAndPool_documentedNames() {
    SmallRyeConfig config =
        config(
            Map.of(
                "mrt.api.token-file", "/t",
                "mrt.api.queue-limit", "3",
                "mrt.api.allowed-images", "default,python:*",
                "mrt.api.max-kept", "4",
                "mrt.pool.output-limit", "5",
                "mrt.pool.warm-idle", "1m",
                "mrt.pool.warm-max", "6"));
    ApiConfig api = config.getConfigMapping(ApiConfig.class);
    PoolConfig pool = config.getConfigMapping(PoolConfig.class);

    assertEquals(Path.of("/t"), api.tokenFile());
    assertEquals(3, api.queueLimit());
    assertEquals(List.of("default", "python:*"), api.allowedImages());
    assertEquals(4, api.maxKept());
    assertEquals(5, pool.outputLimit());
    assertEquals(Duration.ofMinutes(1), pool.warmIdle());
    assertEquals(OptionalInt.of(6), pool.warmMax());
  }

  /** README names mrt.database.* for a file too: a mapping must take them, or SmallRye refuses. */
  @Test
  void testDatabase_settingsInAFileAreTaken() {
    DatabaseConfig db =
        config(
                Map.of(
                    "mrt.database.host", "db.example.org",
                    "mrt.database.port", "3307",
                    "mrt.database.user", "u",
                    "mrt.database.password", "p",
                    "mrt.database.database", "MCP2",
                    "mrt.database.retry-for", "30s"))
            .getConfigMapping(DatabaseConfig.class);
    assertEquals(Optional.of("db.example.org"), db.host());
    assertEquals(Optional.of("MCP2"), db.database());
    assertEquals(Duration.ofSeconds(30), db.retryFor());
    assertEquals(
        Duration.ofMinutes(10), config(Map.of()).getConfigMapping(DatabaseConfig.class).retryFor());
  }

  @Test
  void testApi_tokenFileDefaultsUnderStateDir() {
    ApiConfig api = config(Map.of()).getConfigMapping(ApiConfig.class);

    assertEquals(Path.of("/s/api-token"), api.tokenFile());
    assertTrue(api.token().isEmpty());
  }
}
