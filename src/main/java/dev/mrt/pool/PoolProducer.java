package dev.mrt.pool;

import dev.mrt.MrtException;
import dev.mrt.assets.EmbeddedAssets;
import dev.mrt.bundle.ContainerRunner;
import dev.mrt.bundle.WarmStarts;
import dev.mrt.config.ConfigChecks;
import dev.mrt.config.FunctionsConfig;
import dev.mrt.config.PoolConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Map;
import org.jboss.logging.Logger;

/** The one pool every job of this process goes through: Gearman tasks and HTTP jobs alike. */
public class PoolProducer {
  private static final Logger LOG = Logger.getLogger(PoolProducer.class);

  @Produces
  @Singleton
  ContainerPool pool(
      PoolConfig config,
      FunctionsConfig functions,
      ContainerRunner runner,
      EmbeddedAssets assets,
      WarmListener listener) {
    int size = config.effectiveSize();
    FreshContainerSlot fresh = new FreshContainerSlot(runner);
    ConfigChecks.range("mrt.pool.warm", config.warm(), 0, 64);
    Map<String, FunctionsConfig.Function> own = functions.functions();
    own.forEach(
        (name, f) ->
            f.warm()
                .ifPresent(
                    w -> ConfigChecks.range("mrt.functions.\"" + name + "\".warm", w, 0, 64)));
    if (config.warm() == 0 && own.values().stream().allMatch(f -> f.warm().orElse(0) == 0)) {
      LOG.info("warm start off (mrt.pool.warm=0): every task's container is made when it comes");
      return new ContainerPool(size, fresh);
    }
    try {
      assets.handoff();
    } catch (MrtException e) {
      LOG.warnf("warm start off, every task's container is made when it comes: %s", e.getMessage());
      return new ContainerPool(size, fresh);
    }
    int max = config.warmMax().orElse(2 * size);
    ConfigChecks.range("mrt.pool.warm-max", max, 1, 4096);
    WarmSlot.Settings settings =
        new WarmSlot.Settings(
            group ->
                own.containsKey(group)
                    ? own.get(group).warm().orElse(config.warm())
                    : config.warm(),
            max,
            config.warmIdle(),
            size);
    return new ContainerPool(
        size,
        new WarmSlot<>(
            fresh, new ContainerWarmStarter(new WarmStarts(runner)), settings, listener));
  }
}
