package dev.bulwark.agent.datapath;

import dev.bulwark.agent.policy.MapDiff;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;

/**
 * One endpoint's policy map: the kernel's LPM trie ({@code BpfPolicyMap}) or the model's in-memory copy
 * ({@link InMemoryPolicyMap}). Both apply a diff all-or-nothing: on failure the map is left as it was.
 */
public interface PolicyMap {

    /** The current content, as the datapath holds it (rule references are not stored). */
    MapState read();

    /** Applies {@code diff}; throws {@link DatapathException} and changes nothing when it cannot. */
    void apply(MapDiff<PolicyKey, PolicyEntry> diff);

    /** Makes the content equal {@code desired} by applying only the difference; returns that difference. */
    default MapDiff<PolicyKey, PolicyEntry> reconcile(MapState desired) {
        MapDiff<PolicyKey, PolicyEntry> diff = MapDiff.between(read(), desired);
        if (!diff.isEmpty()) {
            apply(diff);
        }
        return diff;
    }
}
