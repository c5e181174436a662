package dev.bulwark.model.policy;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The immutable policy-map state of one endpoint: key → entry, in key order. It is what the datapath
 * holds; {@link PolicyLookup} decides flows from it.
 *
 * <p>An endpoint that no policy isolates in a direction carries an allow-all entry for that direction
 * ({@link PolicyKey#l3(int, Direction) l3(0, dir)}); an empty map therefore denies everything.
 */
public final class MapState {

    public static final MapState EMPTY = new MapState(new TreeMap<>());

    private final NavigableMap<PolicyKey, PolicyEntry> entries;

    private MapState(NavigableMap<PolicyKey, PolicyEntry> entries) {
        this.entries = Collections.unmodifiableNavigableMap(entries);
    }

    public static MapState of(Map<PolicyKey, PolicyEntry> entries) {
        return new MapState(new TreeMap<>(entries));
    }

    /** Allow everything in both directions: the state of an endpoint no policy selects. */
    public static MapState allowAll() {
        return builder().put(PolicyKey.l3(0, Direction.INGRESS), PolicyEntry.ALLOW)
                .put(PolicyKey.l3(0, Direction.EGRESS), PolicyEntry.ALLOW).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public NavigableMap<PolicyKey, PolicyEntry> entries() {
        return entries;
    }

    public Optional<PolicyEntry> get(PolicyKey key) {
        return Optional.ofNullable(entries.get(key));
    }

    public int size() {
        return entries.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MapState m && m.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        entries.forEach((k, v) -> sb.append(k).append(" -> ").append(v).append('\n'));
        return sb.toString();
    }

    /** Mutable builder; {@link #build()} copies. */
    public static final class Builder {
        private final TreeMap<PolicyKey, PolicyEntry> entries = new TreeMap<>();

        public Builder put(PolicyKey key, PolicyEntry entry) {
            entries.put(key, entry);
            return this;
        }

        public Builder remove(PolicyKey key) {
            entries.remove(key);
            return this;
        }

        public MapState build() {
            return new MapState(new TreeMap<>(entries));
        }
    }
}
