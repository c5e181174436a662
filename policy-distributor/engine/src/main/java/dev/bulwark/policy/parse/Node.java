package dev.bulwark.policy.parse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A YAML/JSON node that knows its path, so every error names the field: the strict reading layer
 * between Jackson's tree and the typed records. Absent and explicit {@code null} are treated alike.
 * Public so that other strict readers (the scenario format) share it.
 */
public final class Node {

    private final JsonNode json;
    private final String path;

    public Node(JsonNode json, String path) {
        this.json = json;
        this.path = path;
    }

    public String path() {
        return path;
    }

    public InvalidPolicyException error(String reason) {
        return new InvalidPolicyException(path, reason);
    }

    public boolean isMissing() {
        return json == null || json.isNull() || json.isMissingNode();
    }

    /** Child {@code name} of this object (possibly missing). */
    public Node get(String name) {
        JsonNode child = json == null ? null : json.get(name);
        return new Node(child, path.isEmpty() ? name : path + "." + name);
    }

    public boolean has(String name) {
        return !get(name).isMissing();
    }

    /** Requires an object whose keys are all in {@code allowed}; names the first unknown key. */
    public Node object(Set<String> allowed, String what) {
        if (isMissing() || !json.isObject()) {
            throw error("expected " + what + " (an object), got " + describe());
        }
        for (Map.Entry<String, JsonNode> field : json.properties()) {
            String name = field.getKey();
            if (!allowed.contains(name)) {
                throw get(name).error("unknown or unsupported field" + (allowed.isEmpty() ? "" : " (expected one of " + sorted(allowed) + ")"));
            }
        }
        return this;
    }

    /** The elements of a list; a missing node is an empty list. */
    public List<Node> list() {
        if (isMissing()) {
            return List.of();
        }
        if (!json.isArray()) {
            throw error("expected a list, got " + describe());
        }
        List<Node> out = new ArrayList<>(json.size());
        for (int i = 0; i < json.size(); i++) {
            out.add(new Node(json.get(i), path + "[" + i + "]"));
        }
        return out;
    }

    public boolean isList() {
        return !isMissing() && json.isArray();
    }

    /** A required string (numbers and booleans are not silently converted). */
    public String string() {
        if (isMissing()) {
            throw error("is required");
        }
        if (!json.isTextual()) {
            throw error("expected a string, got " + describe());
        }
        return json.textValue();
    }

    public String optionalString(String fallback) {
        return isMissing() ? fallback : string();
    }

    public boolean optionalBoolean(boolean fallback) {
        if (isMissing()) {
            return fallback;
        }
        if (!json.isBoolean()) {
            throw error("expected true or false, got " + describe());
        }
        return json.booleanValue();
    }

    public boolean isInt() {
        return !isMissing() && json.isIntegralNumber();
    }

    public boolean isText() {
        return !isMissing() && json.isTextual();
    }

    public int integer() {
        if (isMissing()) {
            throw error("is required");
        }
        if (!json.isIntegralNumber() || !json.canConvertToInt()) {
            throw error("expected an integer, got " + describe());
        }
        return json.intValue();
    }

    /** A string-to-string map (labels); values must be strings. */
    public Map<String, String> stringMap() {
        Map<String, String> out = new LinkedHashMap<>();
        if (isMissing()) {
            return out;
        }
        if (!json.isObject()) {
            throw error("expected a map of strings, got " + describe());
        }
        for (Map.Entry<String, JsonNode> e : json.properties()) {
            out.put(e.getKey(), get(e.getKey()).string());
        }
        return out;
    }

    public List<String> stringList() {
        return list().stream().map(Node::string).toList();
    }

    public String describe() {
        if (isMissing()) {
            return "nothing";
        }
        if (json.isTextual()) {
            return "the string \"" + json.textValue() + "\"";
        }
        if (json.isNumber()) {
            return "the number " + json.numberValue();
        }
        if (json.isArray()) {
            return "a list";
        }
        if (json.isObject()) {
            return "an object";
        }
        return json.toString();
    }

    private static String sorted(Set<String> names) {
        return String.join(", ", new java.util.TreeSet<>(names));
    }
}
