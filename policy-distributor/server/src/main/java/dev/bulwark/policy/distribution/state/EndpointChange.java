package dev.bulwark.policy.distribution.state;

import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;

/**
 * How one endpoint changes: its (new) identity and addresses, and either a replacement of its whole map
 * state ({@code replace}: {@code adds} is the complete state, {@code removes} empty) or entries added or
 * changed plus keys removed.
 */
public record EndpointChange(String name, int identity, List<String> ips, boolean replace,
                             NavigableMap<PolicyKey, PolicyEntry> adds, Set<PolicyKey> removes) {

    public EndpointChange {
        ips = List.copyOf(ips);
        adds = java.util.Collections.unmodifiableNavigableMap(new java.util.TreeMap<>(adds));
        removes = Set.copyOf(removes);
        if (replace && !removes.isEmpty()) {
            throw new IllegalArgumentException("a replacing endpoint change carries no removes");
        }
    }

    public static EndpointChange replacing(EndpointState state) {
        return new EndpointChange(state.name(), state.identity(), state.ips(), true,
                state.mapState().entries(), Set.of());
    }

    public int entryCount() {
        return adds.size() + removes.size();
    }

    /** Adds and removes keyed for application: a removed key maps to null. */
    Map<PolicyKey, PolicyEntry> asUpdates() {
        Map<PolicyKey, PolicyEntry> updates = new java.util.HashMap<>(adds);
        removes.forEach(k -> updates.put(k, null));
        return updates;
    }
}
