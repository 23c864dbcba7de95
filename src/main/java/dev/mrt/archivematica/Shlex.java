package dev.mrt.archivematica;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code shlex.split(s)}: POSIX mode, no comments, whitespace-split. Written from the
 * state machine of CPython's {@code shlex.read_token} and tested against vectors generated with
 * Python, because MCPClient splits task arguments with it and scripts must see the same argv.
 *
 * <p>Differences from a POSIX shell that Python has and therefore this has too: a backslash-newline
 * outside quotes keeps the newline; only space, tab, CR and LF separate words.
 */
public final class Shlex {
  private static final String WHITESPACE = " \t\r\n";

  private Shlex() {}

  /**
   * @throws PayloadException "No closing quotation" or "No escaped character", Python's messages
   */
  public static List<String> split(String s) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false; // a word has started (possibly as an empty quoted one)
    char quote = 0; // the open quote character, or 0
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i++);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else if (c == '\\') {
          if (i == s.length()) {
            throw new PayloadException("No escaped character");
          }
          char next = s.charAt(i++);
          // Inside double quotes only the quote and the backslash itself can be escaped.
          if (next != '"' && next != '\\') {
            word.append('\\');
          }
          word.append(next);
        } else {
          word.append(c);
        }
      } else if (WHITESPACE.indexOf(c) >= 0) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else if (c == '\\') {
        if (i == s.length()) {
          throw new PayloadException("No escaped character");
        }
        word.append(s.charAt(i++));
        inWord = true;
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (quote != 0) {
      throw new PayloadException("No closing quotation");
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
