package dev.mrt.archivematica;

import java.nio.charset.StandardCharsets;

/**
 * Walks a pickle's opcodes without executing any, and refuses it unless every opcode is one that
 * plain data needs (protocols 0 to 2) and every global it names is in {@link PickleGlobals}. This
 * runs before the unpickler, so a hostile pickle ({@code cos\nsystem...}) is refused before
 * anything at all is constructed.
 *
 * <p>Refused on purpose: BUILD, INST, OBJ, NEWOBJ (they instantiate or mutate classes),
 * PERSID/BINPERSID and EXT1/2/4 (lookups outside the pickle), STACK_GLOBAL (a global named by
 * runtime strings cannot be checked here) and every protocol 3+ opcode (MCPServer writes protocol
 * 0).
 */
final class PickleScanner {
  private PickleScanner() {}

  /** How an opcode's argument is laid out in the stream. */
  private enum Arg {
    NONE,
    LINE,
    GLOBAL,
    FIXED1,
    FIXED2,
    FIXED4,
    FIXED8,
    LEN1,
    LEN4,
    PROTO
  }

  private static final Arg[] ARGS = new Arg[256];

  static {
    for (char c : "(.012NRadelstu}])".toCharArray()) {
      ARGS[c] = Arg.NONE;
    }
    for (int c : new int[] {0x85, 0x86, 0x87, 0x88, 0x89}) {
      ARGS[c] = Arg.NONE; // TUPLE1-3, NEWTRUE, NEWFALSE
    }
    for (char c : "FILSVgp".toCharArray()) {
      ARGS[c] = Arg.LINE;
    }
    ARGS['c'] = Arg.GLOBAL;
    ARGS['K'] = Arg.FIXED1;
    ARGS['h'] = Arg.FIXED1;
    ARGS['q'] = Arg.FIXED1;
    ARGS['M'] = Arg.FIXED2;
    ARGS['J'] = Arg.FIXED4;
    ARGS['j'] = Arg.FIXED4;
    ARGS['r'] = Arg.FIXED4;
    ARGS['G'] = Arg.FIXED8;
    ARGS['U'] = Arg.LEN1;
    ARGS[0x8a] = Arg.LEN1; // LONG1
    ARGS['T'] = Arg.LEN4;
    ARGS['X'] = Arg.LEN4;
    ARGS[0x8b] = Arg.LEN4; // LONG4
    ARGS[0x80] = Arg.PROTO;
  }

  /**
   * @throws PayloadException naming the first refused opcode or global and its offset
   */
  static void check(byte[] pickle) {
    int pos = 0;
    while (pos < pickle.length) {
      int offset = pos;
      int opcode = pickle[pos++] & 0xff;
      Arg arg = ARGS[opcode];
      if (arg == null) {
        throw refused("opcode " + describe(opcode) + " at offset " + offset + " is not allowed");
      }
      switch (arg) {
        case NONE -> {
          if (opcode == '.') {
            if (pos != pickle.length) {
              throw refused((pickle.length - pos) + " bytes after the STOP opcode");
            }
            return;
          }
        }
        case LINE -> pos = endOfLine(pickle, pos, offset) + 1;
        case GLOBAL -> {
          int moduleEnd = endOfLine(pickle, pos, offset);
          int nameEnd = endOfLine(pickle, moduleEnd + 1, offset);
          String module = text(pickle, pos, moduleEnd);
          String name = text(pickle, moduleEnd + 1, nameEnd);
          if (!PickleGlobals.allowed(module, name)) {
            throw refused(
                "global " + module + "." + name + " at offset " + offset + " is not allowed");
          }
          pos = nameEnd + 1;
        }
        case FIXED1 -> pos += 1;
        case FIXED2 -> pos += 2;
        case FIXED4 -> pos += 4;
        case FIXED8 -> pos += 8;
        case LEN1 -> pos += 1 + (pos < pickle.length ? pickle[pos] & 0xff : 0);
        case LEN4 -> pos += 4 + length4(pickle, pos, offset);
        case PROTO -> {
          if (pos >= pickle.length || (pickle[pos] & 0xff) > 2) {
            throw refused("pickle protocol above 2 at offset " + offset);
          }
          pos += 1;
        }
        default -> throw new IllegalStateException(arg.name());
      }
    }
    throw refused("truncated: no STOP opcode in " + pickle.length + " bytes");
  }

  private static int endOfLine(byte[] pickle, int from, int offset) {
    for (int i = from; i < pickle.length; i++) {
      if (pickle[i] == '\n') {
        return i;
      }
    }
    throw refused("truncated: opcode at offset " + offset + " has no end of line");
  }

  private static int length4(byte[] pickle, int pos, int offset) {
    if (pos + 4 > pickle.length) {
      throw refused("truncated: opcode at offset " + offset + " has no length");
    }
    long length =
        (pickle[pos] & 0xffL)
            | (pickle[pos + 1] & 0xffL) << 8
            | (pickle[pos + 2] & 0xffL) << 16
            | (pickle[pos + 3] & 0xffL) << 24;
    if (length > pickle.length - pos - 4) {
      throw refused("truncated: opcode at offset " + offset + " claims " + length + " bytes");
    }
    return (int) length;
  }

  private static String text(byte[] pickle, int from, int to) {
    return new String(pickle, from, to - from, StandardCharsets.ISO_8859_1);
  }

  private static String describe(int opcode) {
    return opcode >= 0x20 && opcode < 0x7f
        ? "'" + (char) opcode + "'"
        : String.format("0x%02x", opcode);
  }

  static PayloadException refused(String why) {
    return new PayloadException("refused pickle payload: " + why);
  }
}
