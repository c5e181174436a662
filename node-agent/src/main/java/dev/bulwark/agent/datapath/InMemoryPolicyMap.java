package dev.bulwark.agent.datapath;

import dev.bulwark.agent.policy.MapDiff;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import java.util.TreeMap;

/**
 * The model datapath's policy map: same capacity rule and all-or-nothing apply as the kernel map.
 * Not thread-safe; the owner serialises access.
 */
public final class InMemoryPolicyMap implements PolicyMap {

    /** The kernel map's max_entries. */
    public static final int CAPACITY = 262_144;

    private final String name;
    private final int capacity;
    private MapState state = MapState.EMPTY;

    public InMemoryPolicyMap(String name) {
        this(name, CAPACITY);
    }

    public InMemoryPolicyMap(String name, int capacity) {
        this.name = name;
        this.capacity = capacity;
    }

    @Override
    public MapState read() {
        return state;
    }

    @Override
    public void apply(MapDiff<PolicyKey, PolicyEntry> diff) {
        TreeMap<PolicyKey, PolicyEntry> next = diff.applyTo(state.entries());
        if (next.size() > capacity) {
            throw new DatapathException("policy map of " + name + " would hold " + next.size()
                    + " entries; its capacity is " + capacity, 8, null);
        }
        next.replaceAll((k, v) -> v.datapathValue());
        state = MapState.of(next);
    }
}
