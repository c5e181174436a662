package dev.bulwark.agent.registry;

import java.util.Collection;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** The endpoints attached on this node, by name. Immutable: every change returns a new registry. */
public final class EndpointRegistry {

    public static final EndpointRegistry EMPTY = new EndpointRegistry(new TreeMap<>());

    private final SortedMap<String, EndpointRecord> byName;

    private EndpointRegistry(TreeMap<String, EndpointRecord> byName) {
        this.byName = Collections.unmodifiableSortedMap(byName);
    }

    /** A registry of {@code records}; two records of one name are refused, naming it. */
    public static EndpointRegistry of(Collection<EndpointRecord> records) {
        TreeMap<String, EndpointRecord> m = new TreeMap<>();
        for (EndpointRecord r : records) {
            if (m.put(r.name(), r) != null) {
                throw new IllegalArgumentException("name: endpoint \"" + r.name() + "\" appears twice");
            }
        }
        return new EndpointRegistry(m);
    }

    /** This registry with {@code r} added, or replacing the record of the same name. */
    public EndpointRegistry with(EndpointRecord r) {
        TreeMap<String, EndpointRecord> m = new TreeMap<>(byName);
        m.put(r.name(), r);
        return new EndpointRegistry(m);
    }

    /** This registry without endpoint {@code name} (the same registry when it is absent). */
    public EndpointRegistry without(String name) {
        if (!byName.containsKey(name)) {
            return this;
        }
        TreeMap<String, EndpointRecord> m = new TreeMap<>(byName);
        m.remove(name);
        return new EndpointRegistry(m);
    }

    public Optional<EndpointRecord> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public SortedSet<String> names() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(byName.keySet()));
    }

    /** The records in name order. */
    public Collection<EndpointRecord> records() {
        return byName.values();
    }

    public int size() {
        return byName.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EndpointRegistry r && r.byName.equals(byName);
    }

    @Override
    public int hashCode() {
        return byName.hashCode();
    }

    @Override
    public String toString() {
        return "EndpointRegistry" + byName.values();
    }
}
