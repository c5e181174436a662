package dev.bulwark.policy.compile;

import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one engine operation changed, and the events it raised. Endpoints that share a policy group
 * and changed the same way share one {@link SharedChange} (entries computed once, listed with the
 * endpoints it applies to); endpoints that changed on their own (deleted, overflowing, recovering)
 * have their own {@link EndpointDelta}. An endpoint appears at most once across both.
 * {@link #endpoints()} expands everything per endpoint, for consumers that want that view: its cost
 * is the number of endpoints changed, which the engine itself never pays.
 *
 * <p>Immutable; {@link #endpoints()} is computed on first use (thread-safe: the computation is pure).
 */
public final class PolicyDelta {

    /** One change applied identically to several endpoints. */
    public record SharedChange(List<String> endpoints, Map<PolicyKey, PolicyEntry> upserts, Set<PolicyKey> removals) {

        public SharedChange {
            endpoints = List.copyOf(endpoints);
            upserts = Map.copyOf(upserts);
            removals = Set.copyOf(removals);
        }
    }

    private final Map<String, EndpointDelta> individual;
    private final List<SharedChange> shared;
    private final List<EngineEvent> events;
    private volatile Map<String, EndpointDelta> expanded;

    public PolicyDelta(Map<String, EndpointDelta> individual, List<SharedChange> shared, List<EngineEvent> events) {
        this.individual = Collections.unmodifiableMap(new TreeMap<>(individual));
        this.shared = List.copyOf(shared);
        this.events = List.copyOf(events);
    }

    /** Endpoints with a change of their own. */
    public Map<String, EndpointDelta> individual() {
        return individual;
    }

    /** Changes shared by several endpoints (one per policy group or group transition). */
    public List<SharedChange> shared() {
        return shared;
    }

    public List<EngineEvent> events() {
        return events;
    }

    /** Every changed endpoint's delta, by endpoint name (sorted). */
    public Map<String, EndpointDelta> endpoints() {
        Map<String, EndpointDelta> out = expanded;
        if (out == null) {
            TreeMap<String, EndpointDelta> all = new TreeMap<>(individual);
            for (SharedChange c : shared) {
                for (String ep : c.endpoints()) {
                    if (all.put(ep, new EndpointDelta(ep, c.upserts(), c.removals(), false)) != null) {
                        throw new IllegalStateException("endpoint " + ep + " has two changes in one delta");
                    }
                }
            }
            out = Collections.unmodifiableMap(all);
            expanded = out;
        }
        return out;
    }

    /** How many endpoints changed, without expanding. */
    public int endpointCount() {
        int n = individual.size();
        for (SharedChange c : shared) {
            n += c.endpoints().size();
        }
        return n;
    }

    public boolean isEmpty() {
        return individual.isEmpty() && shared.isEmpty() && events.isEmpty();
    }

    @Override
    public String toString() {
        return "PolicyDelta" + endpoints() + " " + events;
    }
}
