package dev.mrt.archivematica;

import dev.mrt.MrtException;
import dev.mrt.bundle.Limits;
import dev.mrt.config.ArchivematicaConfig;
import dev.mrt.config.FunctionsConfig;
import dev.mrt.network.Endpoint;
import dev.mrt.network.Network;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The functions mrt serves, each with everything needed to run its tasks: the INI's module, and the
 * operator's image, command, environment, timeout, concurrency and mode.
 */
public final class FunctionTable {
  private static final Logger LOG = Logger.getLogger(FunctionTable.class);

  /**
   * One served function.
   *
   * @param command the command template's words, {@code {module}} and {@code {function}} replaced
   * @param taskCommand what each task's argv starts with: {@code command} in task mode; in batch
   *     mode, where {@code command} is the batch runner, mrt.archivematica.command's words; nothing
   *     for the archivematica runner, whose tasks get their split arguments alone
   * @param mode always {@code BATCH} for the archivematica runner
   * @param seccomp its containers' filter, when not mrt.container.seccomp
   * @param network what its containers reach; the archivematica runner's database is added to its
   *     endpoints where its containers are made
   */
  public record Function(
      String name,
      String module,
      String image,
      List<String> command,
      List<String> taskCommand,
      Map<String, String> env,
      Optional<Duration> timeout,
      OptionalInt concurrency,
      FunctionsConfig.Mode mode,
      Limits limits,
      ArchivematicaConfig.Runner runner,
      Network network,
      Optional<String> seccomp) {

    /** Whether MCPClient's own harness runs this function (and writes its Tasks rows). */
    public boolean harness() {
      return runner == ArchivematicaConfig.Runner.ARCHIVEMATICA;
    }
  }

  private final Map<String, Function> functions;

  private FunctionTable(Map<String, Function> functions) {
    this.functions = Map.copyOf(functions);
  }

  /**
   * @throws MrtException when the command template of a function cannot be split
   */
  public static FunctionTable of(
      ClientModules modules, ArchivematicaConfig defaults, FunctionsConfig overrides) {
    Map<String, Function> out = new LinkedHashMap<>();
    Network commandNetwork = Network.parse(defaults.network(), "mrt.archivematica.network");
    Network runnerNetwork =
        new Network.Endpoints(
            defaults.endpoints().orElse(List.of()).stream()
                .map(e -> Endpoint.parse(e.strip(), "mrt.archivematica.endpoints"))
                .toList());
    for (Map.Entry<String, String> m : modules.modules().entrySet()) {
      String name = m.getKey();
      Optional<FunctionsConfig.Function> o = Optional.ofNullable(overrides.functions().get(name));
      Map<String, String> env = new LinkedHashMap<>(defaults.env());
      o.ifPresent(f -> env.putAll(f.env()));
      ArchivematicaConfig.Runner runner =
          o.flatMap(FunctionsConfig.Function::runner).orElse(defaults.runner());
      FunctionsConfig.Mode mode =
          runner == ArchivematicaConfig.Runner.ARCHIVEMATICA
              ? FunctionsConfig.Mode.BATCH
              : o.map(FunctionsConfig.Function::mode).orElse(FunctionsConfig.Mode.TASK);
      List<String> command;
      List<String> taskCommand;
      if (runner == ArchivematicaConfig.Runner.ARCHIVEMATICA) {
        command = HarnessRunner.command(defaults.python());
        taskCommand = List.of();
      } else {
        String template = o.flatMap(FunctionsConfig.Function::command).orElse(defaults.command());
        command = command(template, name, m.getValue());
        // A batch runner that got its own command as the tasks' argv would run itself again.
        taskCommand =
            mode == FunctionsConfig.Mode.BATCH
                ? command(defaults.command(), name, m.getValue())
                : command;
      }
      out.put(
          name,
          new Function(
              name,
              m.getValue(),
              o.flatMap(FunctionsConfig.Function::image).orElse(defaults.image()),
              command,
              taskCommand,
              env,
              o.flatMap(FunctionsConfig.Function::timeout).or(defaults::timeout),
              o.map(FunctionsConfig.Function::concurrency).orElse(OptionalInt.empty()),
              mode,
              o.map(f -> Limits.of(f, "mrt.functions.\"" + name + "\"")).orElse(Limits.NONE),
              runner,
              o.flatMap(FunctionsConfig.Function::network)
                  .map(n -> Network.parse(n, "mrt.functions.\"" + name + "\".network"))
                  .orElse(
                      runner == ArchivematicaConfig.Runner.ARCHIVEMATICA
                          ? runnerNetwork
                          : commandNetwork),
              o.flatMap(FunctionsConfig.Function::seccomp)));
    }
    for (String name : overrides.functions().keySet()) {
      if (!out.containsKey(name)) {
        LOG.warnf(
            "mrt.functions.\"%s\" is configured but %s does not list it; ignored",
            name, "the modules file");
      }
    }
    return new FunctionTable(out);
  }

  private static List<String> command(String template, String function, String module) {
    List<String> words;
    try {
      words = Shlex.split(template);
    } catch (PayloadException e) {
      throw new MrtException(
          "bad command template '"
              + template
              + "' for "
              + function
              + ": "
              + e.getMessage()
              + "; fix mrt.archivematica.command or mrt.functions.\""
              + function
              + "\".command");
    }
    if (words.isEmpty()) {
      throw new MrtException(
          "empty command template for "
              + function
              + "; set mrt.archivematica.command, e.g. {module}");
    }
    return words.stream()
        .map(w -> w.replace("{module}", module).replace("{function}", function))
        .toList();
  }

  public Optional<Function> get(String name) {
    return Optional.ofNullable(functions.get(name));
  }

  public Set<String> names() {
    return functions.keySet();
  }

  /**
   * Refuses a configuration whose endpoints would let a job reach {@code host:port}.
   *
   * @param what what listens there, for the message (gearmand, mrt's own HTTP port)
   * @throws MrtException naming the function and the endpoint
   */
  public void refuseReaching(String host, int port, String what) {
    for (Function f : functions.values()) {
      if (f.network() instanceof Network.Endpoints e) {
        e.endpoints().stream()
            .filter(p -> p.is(host, port))
            .findFirst()
            .ifPresent(
                p -> {
                  throw new MrtException(
                      "the network of "
                          + f.name()
                          + " names "
                          + p
                          + ", which is "
                          + what
                          + ": a job must never reach it; remove it from mrt.functions.\""
                          + f.name()
                          + "\".network or mrt.archivematica.endpoints");
                });
      }
    }
  }

  /** Each network some function's containers get, with the functions that get it. */
  public Map<Network, List<String>> networks() {
    Map<Network, List<String>> out = new LinkedHashMap<>();
    functions
        .values()
        .forEach(f -> out.computeIfAbsent(f.network(), n -> new ArrayList<>()).add(f.name()));
    return out;
  }

  /** Every image some function runs in (to prepare ahead). */
  public Set<String> images() {
    return Set.copyOf(functions.values().stream().map(Function::image).toList());
  }
}
