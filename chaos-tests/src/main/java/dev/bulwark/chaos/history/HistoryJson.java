package dev.bulwark.chaos.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON-lines form of a history: one object per line with {@code index, type, process, f, value,
 * error, time} ({@code time} in nanoseconds since the start of the run). Absent value fields are omitted.
 */
public final class HistoryJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private HistoryJson() {
    }

    public static String line(Op op) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("index", op.index());
        o.put("type", op.type().wire());
        o.put("process", op.process());
        o.put("f", op.f());
        ObjectNode v = o.putObject("value");
        OpValue value = op.value();
        if (value.key() != null) {
            v.put("key", value.key());
        }
        if (value.id() != null) {
            v.put("id", value.id());
        }
        if (value.revision() != null) {
            v.put("revision", value.revision());
        }
        if (value.detail() != null) {
            v.put("detail", value.detail());
        }
        if (op.error() != null) {
            o.put("error", op.error());
        }
        o.put("time", op.timeNanos());
        return o.toString();
    }

    /**
     * Parses one line.
     *
     * @throws IllegalArgumentException naming the line number and the field when it is malformed
     */
    public static Op parse(String line, int lineNumber) {
        try {
            JsonNode o = MAPPER.readTree(line);
            JsonNode v = o.path("value");
            OpValue value = new OpValue(text(v, "key"), number(v, "id"), number(v, "revision"), text(v, "detail"));
            return new Op(required(o, "index", lineNumber).asLong(),
                    OpType.ofWire(required(o, "type", lineNumber).asText()),
                    required(o, "process", lineNumber).asInt(),
                    required(o, "f", lineNumber).asText(), value, text(o, "error"),
                    required(o, "time", lineNumber).asLong());
        } catch (IOException e) {
            throw new IllegalArgumentException("history line " + lineNumber + ": not JSON: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("history line")) {
                throw e;
            }
            throw new IllegalArgumentException("history line " + lineNumber + ".type: " + e.getMessage(), e);
        }
    }

    public static History read(Path file) {
        List<Op> ops = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (!line.isBlank()) {
                    ops.add(parse(line, n));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read history " + file, e);
        }
        return new History(ops);
    }

    private static JsonNode required(JsonNode o, String field, int lineNumber) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException("history line " + lineNumber + "." + field + ": missing");
        }
        return n;
    }

    private static String text(JsonNode o, String field) {
        JsonNode n = o.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static Long number(JsonNode o, String field) {
        JsonNode n = o.get(field);
        return n == null || n.isNull() ? null : n.asLong();
    }
}
