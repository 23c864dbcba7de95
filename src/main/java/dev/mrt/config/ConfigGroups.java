package dev.mrt.config;

import jakarta.enterprise.inject.Produces;

/**
 * The parts of {@link MrtConfig} as beans of their own, so a component is injected the settings it
 * reads and nothing else.
 */
public class ConfigGroups {
  @Produces
  MrtPaths paths(MrtConfig config) {
    return MrtPaths.of(config);
  }

  @Produces
  MrtConfig.Container container(MrtConfig config) {
    return config.container();
  }

  @Produces
  MrtConfig.Images images(MrtConfig config) {
    return config.images();
  }
}
