package dev.bulwark.policy.distribution.pipeline;

import dev.bulwark.model.LabelSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test identity source: sequential numbers from 256, one per distinct label set; can be made unavailable,
 * or made to fail the next call with another error.
 */
final class CountingIdentities implements IdentitySource {
    private final Map<LabelSet, Integer> ids = new HashMap<>();
    volatile boolean unavailable;
    /** Thrown by the next call (then cleared): an error other than "unavailable". */
    volatile RuntimeException failNext;

    @Override
    public synchronized Map<LabelSet, Integer> identities(String owner, List<LabelSet> labelSets) {
        RuntimeException failure = failNext;
        if (failure != null) {
            failNext = null;
            throw failure;
        }
        if (unavailable) {
            throw new IdentityUnavailableException("no leader", null);
        }
        Map<LabelSet, Integer> out = new HashMap<>();
        labelSets.forEach(s -> out.put(s, ids.computeIfAbsent(s, k -> 256 + ids.size())));
        return out;
    }
}
