package dev.bulwark.policy.distribution.source;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a parsed JSON/YAML tree into a {@link KubeObject}: deep, immutable, null-free. The only place that
 * reads kind, apiVersion and metadata from a raw manifest, so every source rejects the same things with
 * the same messages.
 */
public final class JsonTrees {

    private JsonTrees() {
    }

    /** The object, or an error naming the field that is missing or wrong. */
    public static KubeObject toObject(Map<?, ?> raw) {
        String apiVersion = text(raw.get("apiVersion"), "apiVersion");
        String kindName = text(raw.get("kind"), "kind");
        ObjectKind kind = ObjectKind.of(apiVersion, kindName).orElseThrow(() -> new IllegalArgumentException(
                "kind: " + apiVersion + " " + kindName + " is not a kind the distributor reads"));
        if (!(raw.get("metadata") instanceof Map<?, ?> meta)) {
            throw new IllegalArgumentException("metadata: required");
        }
        String name = text(meta.get("name"), "metadata.name");
        String namespace = meta.get("namespace") == null ? "" : meta.get("namespace").toString();
        if (kind.namespaced && namespace.isEmpty()) {
            namespace = "default";
        }
        if (!kind.namespaced && !namespace.isEmpty()) {
            throw new IllegalArgumentException("metadata.namespace: " + kind.kind + " is cluster-scoped");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (meta.get("labels") instanceof Map<?, ?> l) {
            l.forEach((k, v) -> {
                if (v == null) {
                    throw new IllegalArgumentException("metadata.labels." + k + ": must be a string");
                }
                labels.put(k.toString(), v.toString());
            });
        } else if (meta.get("labels") != null) {
            throw new IllegalArgumentException("metadata.labels: must be a map");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) freeze(raw);
        Object rv = meta.get("resourceVersion");
        return new KubeObject(kind, namespace, name, rv == null ? "" : rv.toString(), labels, body);
    }

    private static String text(Object value, String field) {
        return Optional.ofNullable(value).map(Object::toString).filter(s -> !s.isBlank())
                .orElseThrow(() -> new IllegalArgumentException(field + ": required"));
    }

    /** A deep immutable copy without nulls (JSON null and absent mean the same to us). */
    static Object freeze(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> {
                if (v != null) {
                    out.put(k.toString(), freeze(v));
                }
            });
            return java.util.Collections.unmodifiableMap(out);
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.stream().filter(java.util.Objects::nonNull).forEach(v -> out.add(freeze(v)));
            return List.copyOf(out);
        }
        return value;
    }
}
