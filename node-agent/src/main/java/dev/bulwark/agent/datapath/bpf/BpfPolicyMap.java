package dev.bulwark.agent.datapath.bpf;

import dev.bulwark.agent.datapath.DatapathException;
import dev.bulwark.agent.datapath.PolicyMap;
import dev.bulwark.agent.policy.MapDiff;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;

/**
 * One endpoint's kernel policy map (LPM trie). The only class that writes policy entries into the
 * kernel. {@link #apply} is all-or-nothing: each operation first records the old value, and a failure
 * undoes what was done. Thread-confined to its owner (the agent's datapath thread or a test).
 */
public final class BpfPolicyMap implements PolicyMap, AutoCloseable {

    private final String endpoint;
    private final BpfMap map;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment key = arena.allocate(Layouts.POLICY_KEY_SIZE, 8);
    private final MemorySegment next = arena.allocate(Layouts.POLICY_KEY_SIZE, 8);
    private final MemorySegment value = arena.allocate(Layouts.POLICY_VALUE_SIZE, 8);

    public BpfPolicyMap(String endpoint, BpfMap map) {
        this.endpoint = endpoint;
        this.map = map;
        map.info().require(MapInfo.TYPE_LPM_TRIE, Layouts.POLICY_KEY_SIZE, Layouts.POLICY_VALUE_SIZE);
    }

    public BpfMap map() {
        return map;
    }

    /** Dumps the trie. Keys this agent version cannot decode are reported, never silently kept. */
    @Override
    public MapState read() {
        TreeMap<PolicyKey, PolicyEntry> out = new TreeMap<>();
        MemorySegment cursor = MemorySegment.NULL;
        while (map.nextKey(cursor, next)) {
            key.copyFrom(next);
            cursor = key;
            if (!map.lookup(key, value)) {
                continue; // deleted concurrently
            }
            PolicyKey k;
            try {
                k = Layouts.readPolicyKey(key, 0);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("policy map of " + endpoint + " holds an undecodable key: " + e.getMessage(), e);
            }
            out.put(k, Layouts.readPolicyValue(value, 0));
        }
        return MapState.of(out);
    }

    @Override
    public void apply(MapDiff<PolicyKey, PolicyEntry> diff) {
        Deque<Map.Entry<PolicyKey, PolicyEntry>> undo = new ArrayDeque<>(); // value null = delete on undo
        PolicyKey current = null;
        try {
            for (PolicyKey k : diff.deletes()) {
                current = k;
                PolicyEntry old = lookup(k);
                if (old != null) {
                    delete(k);
                    undo.push(new java.util.AbstractMap.SimpleEntry<>(k, old));
                }
            }
            for (Map.Entry<PolicyKey, PolicyEntry> e : diff.upserts().entrySet()) {
                current = e.getKey();
                PolicyEntry old = lookup(e.getKey());
                put(e.getKey(), e.getValue());
                undo.push(new java.util.AbstractMap.SimpleEntry<>(e.getKey(), old));
            }
        } catch (BpfException e) {
            rollback(undo);
            int code = e.errno() == BpfException.E2BIG || e.errno() == BpfException.ENOSPC ? 8 : 13;
            throw new DatapathException("policy map of " + endpoint + ": applying " + diff + " failed at " + current
                    + ": " + e.getMessage() + "; nothing was changed", code, e);
        }
    }

    /** Batch-loads entries into an empty or existing map (BPF_MAP_UPDATE_BATCH), for full syncs. */
    public int putAll(Map<PolicyKey, PolicyEntry> entries) {
        try (Arena a = Arena.ofConfined()) {
            int n = entries.size();
            MemorySegment keys = a.allocate((long) n * Layouts.POLICY_KEY_SIZE, 8);
            MemorySegment values = a.allocate((long) n * Layouts.POLICY_VALUE_SIZE, 8);
            int i = 0;
            for (Map.Entry<PolicyKey, PolicyEntry> e : entries.entrySet()) {
                Layouts.writePolicyKey(keys, (long) i * Layouts.POLICY_KEY_SIZE, e.getKey());
                Layouts.writePolicyValue(values, (long) i * Layouts.POLICY_VALUE_SIZE, e.getKey(), e.getValue());
                i++;
            }
            return map.updateBatch(keys, values, n);
        }
    }

    private void rollback(Deque<Map.Entry<PolicyKey, PolicyEntry>> undo) {
        while (!undo.isEmpty()) {
            Map.Entry<PolicyKey, PolicyEntry> u = undo.pop();
            if (u.getValue() == null) {
                delete(u.getKey());
            } else {
                put(u.getKey(), u.getValue());
            }
        }
    }

    private PolicyEntry lookup(PolicyKey k) {
        Layouts.writePolicyKey(key, 0, k);
        return map.lookup(key, value) ? Layouts.readPolicyValue(value, 0) : null;
    }

    private void put(PolicyKey k, PolicyEntry e) {
        Layouts.writePolicyKey(key, 0, k);
        Layouts.writePolicyValue(value, 0, k, e);
        map.update(key, value);
    }

    private void delete(PolicyKey k) {
        Layouts.writePolicyKey(key, 0, k);
        map.delete(key);
    }

    @Override
    public void close() {
        map.close();
        arena.close();
    }
}
