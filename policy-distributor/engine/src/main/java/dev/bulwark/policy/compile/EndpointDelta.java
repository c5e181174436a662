package dev.bulwark.policy.compile;

import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import java.util.Map;
import java.util.Set;

/**
 * The change to one endpoint's installed map: entries to write (new or changed) and keys to delete.
 * {@code deleted} means the endpoint itself went away (its whole map with it).
 */
public record EndpointDelta(String endpoint, Map<PolicyKey, PolicyEntry> upserts, Set<PolicyKey> removals, boolean deleted) {

    public EndpointDelta {
        upserts = Map.copyOf(upserts);
        removals = Set.copyOf(removals);
    }

    public boolean isEmpty() {
        return upserts.isEmpty() && removals.isEmpty() && !deleted;
    }
}
