package dev.mrt.archivematica;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * razorvine's unpickler with two changes: globals resolve only through {@link PickleGlobals} (not
 * razorvine's process-wide registry, which would turn unknown classes into ClassDicts), and dicts
 * keep their insertion order, so tasks run in MCPServer's order. Callers run {@link PickleScanner}
 * first; the global check here is a second line of defence.
 */
final class SafeUnpickler extends Unpickler {
  @Override
  protected Object dispatch(short key) throws PickleException, IOException {
    switch (key) {
      case Opcodes.GLOBAL -> {
        String module = PickleUtils.readline(input);
        String name = PickleUtils.readline(input);
        stack.add(PickleGlobals.constructor(module, name));
        return NO_RETURN_VALUE;
      }
      case Opcodes.EMPTY_DICT -> {
        stack.add(new LinkedHashMap<>());
        return NO_RETURN_VALUE;
      }
      case Opcodes.DICT -> {
        List<Object> items = stack.pop_all_since_marker();
        Map<Object, Object> dict = new LinkedHashMap<>();
        for (int i = 0; i + 1 < items.size(); i += 2) {
          dict.put(items.get(i), items.get(i + 1));
        }
        stack.add(dict);
        return NO_RETURN_VALUE;
      }
      default -> {
        return super.dispatch(key);
      }
    }
  }
}
