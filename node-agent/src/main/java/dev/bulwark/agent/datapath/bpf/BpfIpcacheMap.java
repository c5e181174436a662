package dev.bulwark.agent.datapath.bpf;

import dev.bulwark.agent.datapath.DatapathException;
import dev.bulwark.agent.datapath.IpcacheMap;
import dev.bulwark.agent.policy.MapDiff;
import dev.bulwark.model.Cidr;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** The kernel ipcache (LPM trie, IPv4). All-or-nothing apply as {@link BpfPolicyMap}. Thread-confined. */
public final class BpfIpcacheMap implements IpcacheMap, AutoCloseable {

    private final BpfMap map;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment key = arena.allocate(Layouts.IPCACHE_KEY_SIZE, 8);
    private final MemorySegment next = arena.allocate(Layouts.IPCACHE_KEY_SIZE, 8);
    private final MemorySegment value = arena.allocate(Layouts.IPCACHE_VALUE_SIZE, 8);

    public BpfIpcacheMap(BpfMap map) {
        this.map = map;
        map.info().require(MapInfo.TYPE_LPM_TRIE, Layouts.IPCACHE_KEY_SIZE, Layouts.IPCACHE_VALUE_SIZE);
    }

    public BpfMap map() {
        return map;
    }

    @Override
    public NavigableMap<Cidr, Integer> read() {
        TreeMap<Cidr, Integer> out = new TreeMap<>();
        MemorySegment cursor = MemorySegment.NULL;
        while (map.nextKey(cursor, next)) {
            key.copyFrom(next);
            cursor = key;
            if (map.lookup(key, value)) {
                out.put(Layouts.readIpcacheKey(key, 0), Layouts.readIpcacheValue(value, 0));
            }
        }
        return Collections.unmodifiableNavigableMap(out);
    }

    @Override
    public void apply(MapDiff<Cidr, Integer> diff) {
        Deque<Map.Entry<Cidr, Integer>> undo = new ArrayDeque<>();
        Cidr current = null;
        try {
            for (Cidr c : diff.deletes()) {
                current = c;
                Integer old = lookup(c);
                if (old != null) {
                    map.delete(key);
                    undo.push(new java.util.AbstractMap.SimpleEntry<>(c, old));
                }
            }
            for (Map.Entry<Cidr, Integer> e : diff.upserts().entrySet()) {
                current = e.getKey();
                Integer old = lookup(e.getKey());
                put(e.getKey(), e.getValue());
                undo.push(new java.util.AbstractMap.SimpleEntry<>(e.getKey(), old));
            }
        } catch (BpfException | IllegalArgumentException e) {
            while (!undo.isEmpty()) {
                Map.Entry<Cidr, Integer> u = undo.pop();
                if (u.getValue() == null) {
                    Layouts.writeIpcacheKey(key, 0, u.getKey());
                    map.delete(key);
                } else {
                    put(u.getKey(), u.getValue());
                }
            }
            int code = e instanceof BpfException b && b.errno() == BpfException.E2BIG ? 8 : 3;
            throw new DatapathException("ipcache: applying " + diff + " failed at " + current + ": "
                    + e.getMessage() + "; nothing was changed", code, e);
        }
    }

    /** Batch-loads prefixes (BPF_MAP_UPDATE_BATCH). */
    public int putAll(Map<Cidr, Integer> entries) {
        try (Arena a = Arena.ofConfined()) {
            int n = entries.size();
            MemorySegment keys = a.allocate((long) n * Layouts.IPCACHE_KEY_SIZE, 8);
            MemorySegment values = a.allocate((long) n * Layouts.IPCACHE_VALUE_SIZE, 8);
            int i = 0;
            for (Map.Entry<Cidr, Integer> e : entries.entrySet()) {
                Layouts.writeIpcacheKey(keys, (long) i * Layouts.IPCACHE_KEY_SIZE, e.getKey());
                Layouts.writeIpcacheValue(values, (long) i * Layouts.IPCACHE_VALUE_SIZE, e.getValue());
                i++;
            }
            return map.updateBatch(keys, values, n);
        }
    }

    private Integer lookup(Cidr c) {
        Layouts.writeIpcacheKey(key, 0, c);
        return map.lookup(key, value) ? Layouts.readIpcacheValue(value, 0) : null;
    }

    private void put(Cidr c, int identity) {
        Layouts.writeIpcacheKey(key, 0, c);
        Layouts.writeIpcacheValue(value, 0, identity);
        map.update(key, value);
    }

    @Override
    public void close() {
        map.close();
        arena.close();
    }
}
