package dev.mrt.image.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 7235): a scheme and its parameters, e.g.
 * {@code Bearer realm="https://auth.docker.io/token",service="registry.docker.io"}.
 *
 * @param scheme lower case: {@code basic} or {@code bearer} are the ones mrt answers
 */
record Challenge(String scheme, Map<String, String> params) {
  Challenge {
    params = Map.copyOf(params);
  }

  Optional<String> param(String name) {
    return Optional.ofNullable(params.get(name));
  }

  /**
   * Parses a header value that may hold several challenges. Parameter names are lower-cased; values
   * may be quoted (with backslash escapes) or bare tokens. Nothing here throws: what cannot be read
   * is left out, and the caller reports "no usable challenge".
   */
  static List<Challenge> parse(String header) {
    List<Challenge> out = new ArrayList<>();
    int i = 0;
    int n = header.length();
    String scheme = null;
    Map<String, String> params = new LinkedHashMap<>();
    while (i < n) {
      while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ',')) {
        i++;
      }
      int start = i;
      while (i < n && isTokenChar(header.charAt(i))) {
        i++;
      }
      if (start == i) {
        i++;
        continue;
      }
      String token = header.substring(start, i);
      int j = i;
      while (j < n && header.charAt(j) == ' ') {
        j++;
      }
      if (j < n && header.charAt(j) == '=' && scheme != null) {
        i = j + 1;
        while (i < n && header.charAt(i) == ' ') {
          i++;
        }
        StringBuilder value = new StringBuilder();
        if (i < n && header.charAt(i) == '"') {
          i++;
          while (i < n && header.charAt(i) != '"') {
            if (header.charAt(i) == '\\' && i + 1 < n) {
              i++;
            }
            value.append(header.charAt(i++));
          }
          i++;
        } else {
          while (i < n && header.charAt(i) != ',' && header.charAt(i) != ' ') {
            value.append(header.charAt(i++));
          }
        }
        params.put(token.toLowerCase(Locale.ROOT), value.toString());
      } else {
        if (scheme != null) {
          out.add(new Challenge(scheme, params));
        }
        scheme = token.toLowerCase(Locale.ROOT);
        params = new LinkedHashMap<>();
      }
    }
    if (scheme != null) {
      out.add(new Challenge(scheme, params));
    }
    return out;
  }

  private static boolean isTokenChar(char c) {
    return Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
