package dev.mrt.archivematica;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * MCPClient's argument preparation: replace its five {@code %tokens%}, split like {@code
 * shlex.split}, drop a backslash before a backtick in each word. MCPServer has already replaced its
 * own variables (escaping backslash, double quote and backtick) before sending the task.
 */
public final class Tokens {
  private final String sharedPath;
  private final String clientAssetsDirectory;
  private final Clock clock;

  /**
   * @param sharedPath the shared directory; a trailing slash is added if missing, since workflow
   *     arguments are written as {@code %sharedPath%currentlyProcessing/...}
   * @param clientAssetsDirectory where client assets live (as MCPClient's setting, verbatim)
   * @param clock the source of {@code %date%}
   */
  public Tokens(String sharedPath, String clientAssetsDirectory, Clock clock) {
    this.sharedPath = sharedPath.endsWith("/") ? sharedPath : sharedPath + "/";
    this.clientAssetsDirectory = clientAssetsDirectory;
    this.clock = clock;
  }

  /**
   * The argument string with the tokens replaced, one after the other in MCPClient's order (so a
   * replacement that contains a later token is replaced again, as there).
   */
  public String replace(Task task) {
    return task.arguments()
        .replace("%sharedPath%", sharedPath)
        .replace("%clientAssetsDirectory%", clientAssetsDirectory)
        .replace("%date%", PythonDateTime.utc(clock.instant()).isoformat())
        .replace("%taskUUID%", task.uuid())
        .replace("%jobCreatedDate%", task.createdDate().pythonStr());
  }

  /** The words of the task's arguments, as {@code sys.argv[1:]} of a client script. */
  public List<String> arguments(Task task) {
    List<String> words = new ArrayList<>();
    for (String word : Shlex.split(replace(task))) {
      words.add(unescapeBackticks(word));
    }
    return words;
  }

  /** {@code [function_name] + split(arguments)}: the argv a client script sees in MCPClient. */
  public List<String> argv(String functionName, Task task) {
    List<String> argv = new ArrayList<>();
    argv.add(functionName);
    argv.addAll(arguments(task));
    return argv;
  }

  /**
   * Drops each backslash directly followed by a backtick, per word after splitting: shlex keeps
   * {@code \`} inside double quotes, while bash (which MCPServer's escaping targets) would not.
   */
  static String unescapeBackticks(String word) {
    StringBuilder out = new StringBuilder(word.length());
    for (int i = 0; i < word.length(); i++) {
      char c = word.charAt(i);
      if (c == '\\' && i + 1 < word.length() && word.charAt(i + 1) == '`') {
        continue;
      }
      out.append(c);
    }
    return out.toString();
  }
}
