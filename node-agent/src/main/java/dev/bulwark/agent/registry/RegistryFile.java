package dev.bulwark.agent.registry;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The endpoint registry's file form, version 1 (pure: text in, value out):
 * <pre>
 * {"version": 1,
 *  "endpoints": [{"name": "x/a", "netns": "/run/netns/cni-1", "interface": "lxc0", "ifindex": 12,
 *                 "identity": 4242, "labels": {"app": "web"}}]}
 * </pre>
 * {@code interface}, {@code ifindex}, {@code identity} and {@code labels} may be absent ("", 0, 0, none). A
 * file of another version is rejected rather than guessed at: it was written by a different agent, and
 * reading it wrongly would attach or detach the wrong interfaces. Unknown fields inside a version-1 file are
 * ignored, so a later version 1 writer may add optional ones.
 */
public final class RegistryFile {

    public static final int VERSION = 1;

    private RegistryFile() {
    }

    /** What {@link #parse} found. */
    public sealed interface Parsed permits Loaded, Rejected {
    }

    /** The file held {@code registry}. */
    public record Loaded(EndpointRegistry registry) implements Parsed {
    }

    /** The file cannot be used; {@code message} names the file and the field. */
    public record Rejected(String message) implements Parsed {
    }

    public static String serialise(EndpointRegistry registry) {
        JsonArray endpoints = new JsonArray();
        for (EndpointRecord r : registry.records()) {
            JsonObject e = new JsonObject().put("name", r.name()).put("netns", r.netns()).put("interface", r.iface())
                    .put("ifindex", r.ifindex());
            if (r.identity() != 0) {
                e.put("identity", Integer.toUnsignedLong(r.identity()));
            }
            if (!r.labels().isEmpty()) {
                e.put("labels", new JsonObject(new TreeMap<String, Object>(r.labels())));
            }
            endpoints.add(e);
        }
        return new JsonObject().put("version", VERSION).put("endpoints", endpoints).encodePrettily() + "\n";
    }

    /** Parses {@code text}, read from {@code source} (named in every rejection). */
    public static Parsed parse(String text, String source) {
        JsonObject root;
        try {
            root = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            return new Rejected(source + ": not a JSON object (" + firstLine(e.getMessage()) + ")");
        }
        Object version = root.getValue("version");
        if (!(version instanceof Integer v) || v != VERSION) {
            return new Rejected(source + ": version: " + (version == null ? "missing" : "\"" + version + "\" is not supported")
                    + "; this agent reads version " + VERSION);
        }
        if (!(root.getValue("endpoints") instanceof JsonArray array)) {
            return new Rejected(source + ": endpoints: expected an array");
        }
        List<EndpointRecord> records = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String at = "endpoints[" + i + "]";
            if (!(array.getValue(i) instanceof JsonObject e)) {
                return new Rejected(source + ": " + at + ": expected an object");
            }
            try {
                records.add(record(e, at));
            } catch (IllegalArgumentException bad) {
                return new Rejected(source + ": " + bad.getMessage());
            }
        }
        try {
            return new Loaded(EndpointRegistry.of(records));
        } catch (IllegalArgumentException bad) {
            return new Rejected(source + ": endpoints: " + bad.getMessage());
        }
    }

    private static EndpointRecord record(JsonObject e, String at) {
        String name = string(e, "name", at, false);
        String netns = string(e, "netns", at, false);
        String iface = e.containsKey("interface") ? string(e, "interface", at, true) : "";
        long ifindex = number(e, "ifindex", at, Integer.MAX_VALUE);
        long identity = number(e, "identity", at, 0xFFFF_FFFFL);
        TreeMap<String, String> labels = new TreeMap<>();
        Object l = e.getValue("labels");
        if (l != null && !(l instanceof JsonObject)) {
            throw new IllegalArgumentException(at + ".labels: expected an object of strings");
        }
        if (l instanceof JsonObject o) {
            for (String key : o.fieldNames()) {
                if (!(o.getValue(key) instanceof String value)) {
                    throw new IllegalArgumentException(at + ".labels." + key + ": expected a string");
                }
                labels.put(key, value);
            }
        }
        return new EndpointRecord(name, netns, iface, (int) ifindex, labels, (int) identity);
    }

    private static String string(JsonObject e, String field, String at, boolean emptyAllowed) {
        if (!(e.getValue(field) instanceof String s) || (s.isEmpty() && !emptyAllowed)) {
            throw new IllegalArgumentException(at + "." + field + ": expected a " + (emptyAllowed ? "" : "non-empty ") + "string");
        }
        return s;
    }

    /** An optional whole number in 0..max (absent = 0). */
    private static long number(JsonObject e, String field, String at, long max) {
        Object v = e.getValue(field);
        if (v == null) {
            return 0;
        }
        if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < 0 || ((Number) v).longValue() > max) {
            throw new IllegalArgumentException(at + "." + field + ": expected a whole number in 0.." + max + ", got " + v);
        }
        return ((Number) v).longValue();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
