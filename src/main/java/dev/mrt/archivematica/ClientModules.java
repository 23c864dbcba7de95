package dev.mrt.archivematica;

import dev.mrt.IoErrors;
import dev.mrt.MrtException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The functions mrt registers, read from Archivematica's {@code archivematicaClientModules} INI
 * file: section {@code [supportedBatchCommands]}, lines {@code name = module} or {@code name:
 * module}. Parsed with Python configparser's rules as MCPClient uses them: full-line {@code #} and
 * {@code ;} comments, keys lowercased, keys and values trimmed, indented lines continue the
 * previous value, duplicate keys or sections are errors.
 *
 * <p>MCPServer's own RPC functions share the gearmand; registering one would steal the dashboard's
 * calls, so they are logged and skipped whatever the file says.
 */
public final class ClientModules {
  private static final Logger LOG = Logger.getLogger(ClientModules.class);

  /** The section MCPClient reads. */
  public static final String SECTION = "supportedBatchCommands";

  /** MCPServer's RPC functions, lowercased for a case-insensitive comparison. */
  static final Set<String> SERVER_RPC_NAMES =
      Set.of(
          "approvejob",
          "getjobsawaitingapproval",
          "packagecreate",
          "approvetransferbypath",
          "approvepartialreingest",
          "getprocessingconfigfields",
          "getunitsstatuses",
          "getunitstatus");

  private final Map<String, String> modules;

  private ClientModules(Map<String, String> modules) {
    this.modules = Collections.unmodifiableMap(modules);
  }

  /**
   * @throws MrtException naming the file when it cannot be read or parsed
   */
  public static ClientModules load(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new MrtException(
          "cannot read client modules file "
              + file
              + " ("
              + IoErrors.describe(e)
              + "); set mrt.archivematica.modules-file "
              + "(MRT_ARCHIVEMATICA_MODULES_FILE) to Archivematica's archivematicaClientModules",
          e);
    }
  }

  /**
   * @param source names the text in error messages (a file name)
   * @throws MrtException with the source and line number of the first problem
   */
  public static ClientModules parse(String text, String source) {
    Map<String, Map<String, String>> sections = new LinkedHashMap<>();
    Map<String, String> section = null;
    String lastKey = null;
    String[] lines = text.split("\r\n|\r|\n", -1);
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n];
      String trimmed = line.strip();
      boolean indented = !line.isEmpty() && Character.isWhitespace(line.charAt(0));
      if (trimmed.startsWith("#") || trimmed.startsWith(";")) {
        continue;
      }
      if (trimmed.isEmpty()) {
        lastKey = null; // configparser ends a multi-line value at an empty line
        continue;
      }
      if (indented && section != null && lastKey != null) {
        section.merge(lastKey, trimmed, (old, more) -> old.isEmpty() ? more : old + "\n" + more);
        continue;
      }
      if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
        String name = trimmed.substring(1, trimmed.length() - 1);
        if (sections.containsKey(name)) {
          throw problem(source, n, "section [" + name + "] appears twice");
        }
        section = new LinkedHashMap<>();
        sections.put(name, section);
        lastKey = null;
        continue;
      }
      if (section == null) {
        throw problem(source, n, "a line before the first [section]");
      }
      int equals = trimmed.indexOf('=');
      int colon = trimmed.indexOf(':');
      int delimiter = equals < 0 ? colon : colon < 0 ? equals : Math.min(equals, colon);
      if (delimiter <= 0) {
        throw problem(source, n, "expected 'name = module', got '" + trimmed + "'");
      }
      String key = trimmed.substring(0, delimiter).strip().toLowerCase(Locale.ROOT);
      if (section.containsKey(key)) {
        throw problem(source, n, "'" + key + "' appears twice");
      }
      section.put(key, trimmed.substring(delimiter + 1).strip());
      lastKey = key;
    }
    Map<String, String> batch = sections.get(SECTION);
    if (batch == null) {
      throw new MrtException(source + " has no [" + SECTION + "] section");
    }
    Map<String, String> modules = new LinkedHashMap<>();
    batch.forEach(
        (name, module) -> {
          if (SERVER_RPC_NAMES.contains(name.toLowerCase(Locale.ROOT))) {
            LOG.warnf(
                "%s: skipping %s, it is an MCPServer RPC function, not a client script",
                source, name);
          } else {
            modules.put(name, module);
          }
        });
    return new ClientModules(modules);
  }

  private static MrtException problem(String source, int lineIndex, String what) {
    return new MrtException(source + " line " + (lineIndex + 1) + ": " + what);
  }

  /** Function name (lowercased) to module name, in file order. */
  public Map<String, String> modules() {
    return modules;
  }

  /** The Gearman function names to register. */
  public Set<String> functionNames() {
    return modules.keySet();
  }

  /** The module that runs a function, if it is one of ours. */
  public Optional<String> module(String functionName) {
    return Optional.ofNullable(modules.get(functionName));
  }
}
