package dev.bulwark.identity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * An immutable hash map with cheap edits: keys are spread over a fixed number of buckets, each a small
 * array of (hash, key, value) that is never mutated once published. An {@link Editor} copies a bucket
 * the first time it touches it, so one log entry costs the buckets it touches, not the whole table.
 *
 * <p>Why not a plain copy: the table holds up to 65,536 identities and a batch entry may be applied
 * thousands of times a second. Why 4,096 buckets: a new identity copies its whole bucket in two maps
 * on every replica, so the copy is proportional to the bucket size (16 entries at 65,536 identities);
 * the bucket array itself (16 KB) is copied once per entry and only for the maps the entry writes.
 * Why arrays and not a {@link java.util.HashMap} per bucket (as before): copying a HashMap re-inserts
 * every entry into fresh nodes, which was a sixth of the allocator's CPU under load; copying a bucket
 * is now three array copies (docs/benchmarks.md).
 */
final class PersistentMap<K, V> {

    private static final int BITS = 12;
    private static final int BUCKETS = 1 << BITS;
    private static final Bucket NO_ENTRIES = new Bucket(0);
    private static final PersistentMap<?, ?> EMPTY = new PersistentMap<>(emptyBuckets(), 0);

    /** Entries {@code 0..count-1} of parallel arrays; mutated only by the editor that created it, before publishing. */
    private static final class Bucket {
        int[] hashes;
        Object[] keys;
        Object[] values;
        int count;

        Bucket(int capacity) {
            hashes = new int[capacity];
            keys = new Object[capacity];
            values = new Object[capacity];
        }

        /** A writable copy with room for a few more entries. */
        Bucket copy() {
            Bucket b = new Bucket(count + 4);
            System.arraycopy(hashes, 0, b.hashes, 0, count);
            System.arraycopy(keys, 0, b.keys, 0, count);
            System.arraycopy(values, 0, b.values, 0, count);
            b.count = count;
            return b;
        }

        int indexOf(Object key, int hash) {
            for (int i = 0; i < count; i++) {
                if (hashes[i] == hash && keys[i].equals(key)) {
                    return i;
                }
            }
            return -1;
        }

        Object get(Object key) {
            int i = indexOf(key, key.hashCode());
            return i < 0 ? null : values[i];
        }

        /** Returns true when the key is new. */
        boolean put(Object key, Object value) {
            int hash = key.hashCode();
            int i = indexOf(key, hash);
            if (i >= 0) {
                values[i] = value;
                return false;
            }
            if (count == keys.length) {
                int grown = count * 2 + 4;
                hashes = Arrays.copyOf(hashes, grown);
                keys = Arrays.copyOf(keys, grown);
                values = Arrays.copyOf(values, grown);
            }
            hashes[count] = hash;
            keys[count] = key;
            values[count] = value;
            count++;
            return true;
        }

        /** Removes entry {@code i} by moving the last entry into its place. */
        void removeAt(int i) {
            int last = --count;
            hashes[i] = hashes[last];
            keys[i] = keys[last];
            values[i] = values[last];
            keys[last] = null;
            values[last] = null;
        }

        @SuppressWarnings("unchecked")
        <K, V> void forEach(BiConsumer<K, V> action) {
            for (int i = 0; i < count; i++) {
                action.accept((K) keys[i], (V) values[i]);
            }
        }
    }

    private final Bucket[] buckets;
    private final int size;

    private PersistentMap(Bucket[] buckets, int size) {
        this.buckets = buckets;
        this.size = size;
    }

    @SuppressWarnings("unchecked")
    static <K, V> PersistentMap<K, V> empty() {
        return (PersistentMap<K, V>) EMPTY;
    }

    private static Bucket[] emptyBuckets() {
        Bucket[] b = new Bucket[BUCKETS];
        Arrays.fill(b, NO_ENTRIES);
        return b;
    }

    private static int bucket(Object key) {
        int h = key.hashCode();
        h ^= h >>> 16;
        return (h * 0x9E3779B9) >>> (32 - BITS);
    }

    @SuppressWarnings("unchecked")
    V get(K key) {
        return (V) buckets[bucket(key)].get(key);
    }

    boolean containsKey(K key) {
        return get(key) != null;
    }

    int size() {
        return size;
    }

    void forEach(BiConsumer<K, V> action) {
        for (Bucket b : buckets) {
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
     * {@link #build()} the editor must not be used again (the built map takes over its arrays). Values
     * must not be null.
     */
    static final class Editor<K, V> {
        private final PersistentMap<K, V> from;
        /** The source's buckets until the first write, then this editor's own copy of the array. */
        private Bucket[] buckets;
        /** Which buckets this editor has copied (null until the first write). */
        private boolean[] owned;
        private int size;
        private boolean built;

        private Editor(PersistentMap<K, V> from) {
            this.from = from;
            this.buckets = from.buckets;
            this.size = from.size;
        }

        @SuppressWarnings("unchecked")
        V get(K key) {
            return (V) buckets[bucket(key)].get(key);
        }

        boolean containsKey(K key) {
            return get(key) != null;
        }

        int size() {
            return size;
        }

        void put(K key, V value) {
            if (value == null) {
                throw new NullPointerException("value of " + key);
            }
            if (writable(bucket(key)).put(key, value)) {
                size++;
            }
        }

        void remove(K key) {
            int i = bucket(key);
            int at = buckets[i].indexOf(key, key.hashCode());
            if (at >= 0) {
                writable(i).removeAt(at);
                size--;
            }
        }

        void forEach(BiConsumer<K, V> action) {
            for (Bucket b : buckets) {
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

        private Bucket writable(int i) {
            if (built) {
                throw new IllegalStateException("editor already built");
            }
            if (owned == null) {
                buckets = buckets.clone();
                owned = new boolean[BUCKETS];
            }
            if (!owned[i]) {
                buckets[i] = buckets[i].copy();
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
