package dev.bulwark.identity;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * An immutable hash map with cheap edits: keys are spread over a fixed number of buckets, each an
 * ordinary {@link HashMap} that is never mutated once published. An {@link Editor} copies a bucket the
 * first time it touches it, so one log entry costs the buckets it touches, not the whole table.
 *
 * <p>Why not a plain copy: the table holds up to 65,536 identities and a batch entry may be applied
 * thousands of times a second. Why 4,096 buckets: a new identity copies its whole bucket in two maps
 * on every replica, so the copy is proportional to the bucket size (16 entries at 65,536 identities,
 * where 1,024 buckets meant 64); the bucket array itself (16 KB) is copied once per entry and only for
 * the maps the entry writes (an entry that only takes references writes none of the identity maps).
 */
final class PersistentMap<K, V> {

    private static final int BITS = 12;
    private static final int BUCKETS = 1 << BITS;
    private static final PersistentMap<?, ?> EMPTY = new PersistentMap<>(emptyBuckets(), 0);

    private final HashMap<K, V>[] buckets;
    private final int size;

    private PersistentMap(HashMap<K, V>[] buckets, int size) {
        this.buckets = buckets;
        this.size = size;
    }

    @SuppressWarnings("unchecked")
    static <K, V> PersistentMap<K, V> empty() {
        return (PersistentMap<K, V>) EMPTY;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <K, V> HashMap<K, V>[] emptyBuckets() {
        HashMap<K, V>[] b = new HashMap[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            b[i] = new HashMap<>(0);
        }
        return b;
    }

    private static int bucket(Object key) {
        int h = key.hashCode();
        h ^= h >>> 16;
        return (h * 0x9E3779B9) >>> (32 - BITS);
    }

    V get(K key) {
        return buckets[bucket(key)].get(key);
    }

    boolean containsKey(K key) {
        return buckets[bucket(key)].containsKey(key);
    }

    int size() {
        return size;
    }

    void forEach(BiConsumer<K, V> action) {
        for (HashMap<K, V> b : buckets) {
            b.forEach(action);
        }
    }

    List<K> keys() {
        List<K> out = new ArrayList<>(size);
        forEach((k, v) -> out.add(k));
        return out;
    }

    Editor<K, V> edit() {
        return new Editor<>(this);
    }

    /**
     * Single-threaded edits producing a new map; the source map is never changed. Used once: after
     * {@link #build()} the editor must not be used again (the built map takes over its arrays).
     */
    static final class Editor<K, V> {
        private final PersistentMap<K, V> from;
        /** The source's buckets until the first write, then this editor's own copy of the array. */
        private HashMap<K, V>[] buckets;
        /** Which buckets this editor has copied (null until the first write). */
        private boolean[] owned;
        private int size;
        private boolean built;

        private Editor(PersistentMap<K, V> from) {
            this.from = from;
            this.buckets = from.buckets;
            this.size = from.size;
        }

        V get(K key) {
            return buckets[bucket(key)].get(key);
        }

        boolean containsKey(K key) {
            return buckets[bucket(key)].containsKey(key);
        }

        int size() {
            return size;
        }

        void put(K key, V value) {
            if (writable(bucket(key)).put(key, value) == null) {
                size++;
            }
        }

        void remove(K key) {
            int i = bucket(key);
            if (buckets[i].containsKey(key) && writable(i).remove(key) != null) {
                size--;
            }
        }

        void forEach(BiConsumer<K, V> action) {
            for (HashMap<K, V> b : buckets) {
                b.forEach(action);
            }
        }

        List<K> keys() {
            List<K> out = new ArrayList<>(size);
            forEach((k, v) -> out.add(k));
            return out;
        }

        /** The edited map (the source itself when nothing was written); ends this editor. */
        PersistentMap<K, V> build() {
            if (built) {
                throw new IllegalStateException("editor already built");
            }
            built = true;
            // The copied buckets are published now and never written again.
            return owned == null ? from : new PersistentMap<>(buckets, size);
        }

        private HashMap<K, V> writable(int i) {
            if (built) {
                throw new IllegalStateException("editor already built");
            }
            if (owned == null) {
                buckets = buckets.clone();
                owned = new boolean[BUCKETS];
            }
            if (!owned[i]) {
                buckets[i] = new HashMap<>(buckets[i]);
                owned[i] = true;
            }
            return buckets[i];
        }
    }

    static <K, V> PersistentMap<K, V> of(Map<K, V> map) {
        Editor<K, V> e = PersistentMap.<K, V>empty().edit();
        map.forEach(e::put);
        return e.build();
    }
}
