package dev.bulwark.policy.distribution.source;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One cluster object as a plain, immutable JSON tree ({@code body}: maps, lists, strings, numbers,
 * booleans) plus the fields every consumer needs. Equality is by content (resourceVersion excluded), so a
 * relist re-announcing an unchanged object is recognisably a no-op.
 */
public record KubeObject(ObjectKind kind, String namespace, String name, String resourceVersion,
                         Map<String, String> labels, Map<String, Object> body) {

    /** Identifies an object: kind, namespace ("" for cluster-scoped) and name. */
    public record Key(ObjectKind kind, String namespace, String name) {
        @Override
        public String toString() {
            return kind.kind + " " + (namespace.isEmpty() ? name : namespace + "/" + name);
        }
    }

    public KubeObject {
        Objects.requireNonNull(kind, "kind");
        namespace = namespace == null ? "" : namespace;
        resourceVersion = resourceVersion == null ? "" : resourceVersion;
        labels = Map.copyOf(labels);
        body = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(body));
    }

    public Key key() {
        return new Key(kind, namespace, name);
    }

    /** The value at a path of map keys, e.g. {@code at("spec", "nodeName")}. */
    public Optional<Object> at(String... path) {
        Object cur = body;
        for (String p : path) {
            if (!(cur instanceof Map<?, ?> m)) {
                return Optional.empty();
            }
            cur = m.get(p);
        }
        return Optional.ofNullable(cur);
    }

    public Optional<String> string(String... path) {
        return at(path).map(Object::toString);
    }

    public List<?> list(String... path) {
        return at(path).filter(List.class::isInstance).map(v -> (List<?>) v).orElse(List.of());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KubeObject k && k.kind == kind && k.namespace.equals(namespace) && k.name.equals(name)
                && k.labels.equals(labels) && withoutVolatileMetadata(k.body).equals(withoutVolatileMetadata(body));
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, namespace, name, labels);
    }

    private static Map<String, Object> withoutVolatileMetadata(Map<String, Object> body) {
        Object meta = body.get("metadata");
        if (!(meta instanceof Map<?, ?> m)) {
            return body;
        }
        var copy = new java.util.HashMap<>(body);
        var metaCopy = new java.util.HashMap<Object, Object>(m);
        metaCopy.remove("resourceVersion");
        metaCopy.remove("managedFields");
        metaCopy.remove("generation");
        copy.put("metadata", metaCopy);
        return copy;
    }
}
