package dev.mrt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * JSON trees (databind's own node types, as {@code ObjectMapper.readTree} makes them) read and
 * written with jackson-core's streaming parser and generator alone. A JVM's first ObjectMapper
 * costs 20-30 ms even from the AOT cache (its class init builds a SimpleDateFormat, which lists
 * every CLDR locale), and its first serializer for a type as much again: together a sixth of {@code
 * mrt run -- true}. The CLI's container path (the seccomp profile, config.json) goes through here;
 * the rest of mrt, long-running or off that path, keeps ObjectMapper.
 */
public final class JsonTrees {
  /** Thread-safe once configured, and never configured further. */
  private static final JsonFactory FACTORY = new JsonFactory();

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonTrees() {}

  /**
   * One JSON value, the whole of {@code in}; for no input at all, a missing node (as readTree).
   *
   * @throws IOException when it is not JSON, or more than one value
   */
  public static JsonNode read(InputStream in) throws IOException {
    try (JsonParser p = FACTORY.createParser(in)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        return NODES.missingNode();
      }
      JsonNode value = value(p, first);
      if (p.nextToken() != null) {
        throw new JsonParseException(p, "more than one JSON value");
      }
      return value;
    }
  }

  public static JsonNode read(byte[] json) throws IOException {
    return read(new ByteArrayInputStream(json));
  }

  private static JsonNode value(JsonParser p, JsonToken t) throws IOException {
    return switch (t) {
      case START_OBJECT -> {
        ObjectNode o = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          o.set(name, value(p, p.nextToken()));
        }
        yield o;
      }
      case START_ARRAY -> {
        ArrayNode a = NODES.arrayNode();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          a.add(value(p, e));
        }
        yield a;
      }
      case VALUE_STRING -> NODES.textNode(p.getText());
      case VALUE_NUMBER_INT ->
          switch (p.getNumberType()) {
            case INT -> NODES.numberNode(p.getIntValue());
            case LONG -> NODES.numberNode(p.getLongValue());
            default -> NODES.numberNode(p.getBigIntegerValue());
          };
      case VALUE_NUMBER_FLOAT -> NODES.numberNode(p.getDoubleValue());
      case VALUE_TRUE -> NODES.booleanNode(true);
      case VALUE_FALSE -> NODES.booleanNode(false);
      case VALUE_NULL -> NODES.nullNode();
      default -> throw new JsonParseException(p, "unexpected " + t);
    };
  }

  /** What writes one JSON value on a generator. */
  @FunctionalInterface
  public interface Content {
    void writeTo(JsonGenerator g) throws IOException;
  }

  /** {@code node} indented, as ObjectMapper's default pretty printer writes it. */
  public static String pretty(JsonNode node) {
    return pretty(g -> write(g, node));
  }

  /** What {@code content} writes, indented as ObjectMapper's default pretty printer does. */
  public static String pretty(Content content) {
    StringWriter out = new StringWriter(4096);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.setPrettyPrinter(new DefaultPrettyPrinter());
      content.writeTo(g);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write JSON", e); // a StringWriter does not fail
    }
    return out.toString();
  }

  /** Writes {@code node} as ObjectMapper would, null properties included. */
  public static void write(JsonGenerator g, JsonNode node) throws IOException {
    switch (node.getNodeType()) {
      case OBJECT -> {
        g.writeStartObject();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
          g.writeFieldName(e.getKey());
          write(g, e.getValue());
        }
        g.writeEndObject();
      }
      case ARRAY -> {
        g.writeStartArray();
        for (JsonNode e : node) {
          write(g, e);
        }
        g.writeEndArray();
      }
      case STRING -> g.writeString(node.textValue());
      case BOOLEAN -> g.writeBoolean(node.booleanValue());
      case NULL -> g.writeNull();
      case NUMBER -> {
        switch (node.numberType()) {
          case INT -> g.writeNumber(node.intValue());
          case LONG -> g.writeNumber(node.longValue());
          case BIG_INTEGER -> g.writeNumber(node.bigIntegerValue());
          case FLOAT -> g.writeNumber(node.floatValue());
          case DOUBLE -> g.writeNumber(node.doubleValue());
          case BIG_DECIMAL -> g.writeNumber(node.decimalValue());
        }
      }
      default -> throw new IllegalArgumentException("not a JSON value: a " + node.getNodeType());
    }
  }
}
