package dev.mrt.pool;

import dev.mrt.bundle.ContainerRunner;
import dev.mrt.config.PoolConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The one pool every job of this process goes through: Gearman tasks and HTTP jobs alike. */
public class PoolProducer {

  @Produces
  @Singleton
  ContainerPool pool(PoolConfig config, ContainerRunner runner) {
    return new ContainerPool(config.effectiveSize(), new FreshContainerSlot(runner));
  }
}
