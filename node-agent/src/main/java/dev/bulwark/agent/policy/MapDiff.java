package dev.bulwark.agent.policy;

import dev.bulwark.model.Cidr;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The operations that turn one map content into another: keys to upsert (new or changed value) and keys
 * to delete. Pure: computing it touches nothing; only the datapath map classes apply it. Deletes are
 * applied before upserts so that a full map frees room first.
 */
public record MapDiff<K extends Comparable<K>, V>(NavigableMap<K, V> upserts, NavigableSet<K> deletes) {

    public MapDiff {
        upserts = Collections.unmodifiableNavigableMap(new TreeMap<>(upserts));
        deletes = Collections.unmodifiableNavigableSet(new TreeSet<>(deletes));
        for (K k : deletes) {
            if (upserts.containsKey(k)) {
                throw new IllegalArgumentException("key " + k + " is both upserted and deleted");
            }
        }
    }

    /** What changes {@code current} into {@code desired}. */
    public static <K extends Comparable<K>, V> MapDiff<K, V> between(Map<K, V> current, Map<K, V> desired) {
        TreeMap<K, V> up = new TreeMap<>();
        TreeSet<K> del = new TreeSet<>();
        desired.forEach((k, v) -> {
            if (!v.equals(current.get(k))) {
                up.put(k, v);
            }
        });
        for (K k : current.keySet()) {
            if (!desired.containsKey(k)) {
                del.add(k);
            }
        }
        return new MapDiff<>(up, del);
    }

    /**
     * The policy-map diff. Values are compared as the kernel stores them ({@link PolicyEntry#datapathValue()}):
     * a changed rule reference alone is no kernel operation.
     */
    public static MapDiff<PolicyKey, PolicyEntry> between(MapState current, MapState desired) {
        return between(datapathValues(current), datapathValues(desired));
    }

    /** The ipcache diff (prefix → identity). */
    public static MapDiff<Cidr, Integer> ipcache(Map<Cidr, Integer> current, Map<Cidr, Integer> desired) {
        return between(current, desired);
    }

    public static <K extends Comparable<K>, V> MapDiff<K, V> empty() {
        return new MapDiff<K, V>(new TreeMap<K, V>(), new TreeSet<K>());
    }

    public boolean isEmpty() {
        return upserts.isEmpty() && deletes.isEmpty();
    }

    public int size() {
        return upserts.size() + deletes.size();
    }

    /** The content after applying this diff to {@code current}. */
    public TreeMap<K, V> applyTo(Map<K, V> current) {
        TreeMap<K, V> out = new TreeMap<>(current);
        deletes.forEach(out::remove);
        out.putAll(upserts);
        return out;
    }

    /** Hash-based on purpose: the diff probes every key of both sides, and record hashing beats the key order's comparator chain. */
    private static java.util.HashMap<PolicyKey, PolicyEntry> datapathValues(MapState s) {
        java.util.HashMap<PolicyKey, PolicyEntry> m = java.util.HashMap.newHashMap(s.size());
        s.entries().forEach((k, v) -> m.put(k, v.datapathValue()));
        return m;
    }

    @Override
    public String toString() {
        return "+" + upserts.size() + " -" + deletes.size();
    }
}
