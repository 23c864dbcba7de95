package dev.mrt.testing;

import dev.mrt.config.MrtConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Configuration for unit tests, without Quarkus: mappings with their defaults, or proxies. */
public final class TestConfigs {
  private TestConfigs() {}

  /**
   * A config interface answered from a map of method names; anything else it is asked fails the
   * test, so a test states every setting the code under test reads.
   */
  @SuppressWarnings("unchecked")
  public static <T> T proxy(Class<T> type, Map<String, Object> answers) {
    return (T)
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              if (!answers.containsKey(method.getName())) {
                throw new UnsupportedOperationException(method.getName() + " in a test config");
              }
              return answers.get(method.getName());
            });
  }

  /**
   * A {@code @ConfigMapping} interface read from {@code properties} over its defaults. Unless
   * given, mrt.state-dir and mrt.cache-dir name a directory that does not exist, so no default
   * reaches the real ones.
   */
  public static <T> T mapping(Class<T> type, Map<String, String> properties) {
    Map<String, String> all = new HashMap<>();
    all.put("mrt.state-dir", "/nonexistent/mrt-test/state");
    all.put("mrt.cache-dir", "/nonexistent/mrt-test/cache");
    all.putAll(properties);
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(type)
            // The properties may be meant for several mappings; each test reads the one it needs.
            .withValidateUnknown(false)
            // As Quarkus reads durations: "10m", not only ISO-8601.
            .withConverter(Duration.class, 100, new DurationConverter())
            .withSources(new PropertiesConfigSource(all, "test", 500))
            .build();
    return config.getConfigMapping(type);
  }

  /**
   * Several {@code @ConfigMapping} interfaces read from one set of properties over their defaults,
   * where a key under a mapped prefix that no mapping takes fails the build, as a typo in a
   * configuration file must. Nothing is added: every property must belong to one of {@code
   * mappings}.
   */
  public static SmallRyeConfig strict(Map<String, String> properties, Class<?>... mappings) {
    SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder().withValidateUnknown(true);
    for (Class<?> mapping : mappings) {
      builder.withMapping(mapping);
    }
    return builder
        .withConverter(Duration.class, 100, new DurationConverter())
        .withSources(new PropertiesConfigSource(properties, "test", 500))
        .build();
  }

  /** What the image code reads of mrt's config: the cache and small unpacking caps. */
  public static MrtConfig imageCache(Path cacheDir) {
    MrtConfig.Images images =
        proxy(
            MrtConfig.Images.class,
            Map.of(
                "maxUnpackedSize",
                "1G",
                "maxEntries",
                1000L,
                "parallelism",
                1,
                "attempts",
                1,
                "timeout",
                Duration.ofSeconds(5),
                "authFile",
                Optional.empty(),
                "insecureRegistries",
                Optional.empty(),
                "cacheBudget",
                Optional.empty()));
    return proxy(
        MrtConfig.class, Map.of("cacheDir", cacheDir, "images", images, "runc", Optional.empty()));
  }
}
