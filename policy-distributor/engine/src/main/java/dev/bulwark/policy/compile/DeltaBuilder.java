package dev.bulwark.policy.compile;

import dev.bulwark.model.policy.Direction;
import dev.bulwark.policy.api.Rule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a {@link ChangeSet} into a {@link PolicyDelta}: recompiles the endpoints and slices it names
 * and collects what changed in each endpoint's installed state. Endpoints of one identity with the
 * same named ports (replicas) compile to the same state, so each such group is compiled once.
 * Owned by one {@link PolicyEngine}; not thread-safe.
 */
final class DeltaBuilder {

    private final RuleIndex index;
    private final SelectorCache cache;
    private final EndpointCompiler compiler;
    private final EndpointCompiler.NamedPorts peerPorts;

    DeltaBuilder(RuleIndex index, SelectorCache cache, EndpointCompiler compiler, EndpointCompiler.NamedPorts peerPorts) {
        this.index = index;
        this.cache = cache;
        this.compiler = compiler;
        this.peerPorts = peerPorts;
    }

    PolicyDelta build(ChangeSet changes, Map<String, EndpointState> endpoints) {
        Map<String, EndpointDelta> deltas = new TreeMap<>();
        List<EngineEvent> events = new ArrayList<>();
        for (String ep : changes.deleted) {
            deltas.put(ep, new EndpointDelta(ep, Map.of(), Set.of(), true));
        }
        Map<List<Object>, EndpointCompiler.Compiled> compiled = new HashMap<>();
        for (String ep : changes.full) {
            EndpointState s = endpoints.get(ep);
            if (s == null) {
                continue;
            }
            List<Rule> rules = index.rulesFor(s.identity().value());
            EndpointCompiler.Compiled c = compiled.computeIfAbsent(List.of(s.identity().value(), s.ports()),
                    k -> compiler.compile(rules, s.ports(), cache, peerPorts, null));
            s.replaceAll(c, isolation(rules, Direction.INGRESS), isolation(rules, Direction.EGRESS), deltas, events);
        }
        for (Map.Entry<String, Set<Integer>> e : changes.slices.entrySet()) {
            EndpointState s = endpoints.get(e.getKey());
            if (s == null || changes.full.contains(e.getKey())) {
                continue;
            }
            List<Rule> rules = index.rulesFor(s.identity().value());
            for (int remote : e.getValue()) {
                EndpointCompiler.Compiled c = compiled.computeIfAbsent(List.of(s.identity().value(), s.ports(), remote),
                        k -> compiler.compile(rules, s.ports(), cache, peerPorts, remote));
                s.replaceSlice(remote, c, deltas, events);
            }
        }
        deltas.values().removeIf(EndpointDelta::isEmpty);
        return new PolicyDelta(deltas, events);
    }

    /** The rules that make the endpoint default-deny in {@code d}, as traces name them. */
    static List<String> isolation(List<Rule> rules, Direction d) {
        Set<String> out = new LinkedHashSet<>();
        for (Rule r : rules) {
            if (r.direction() == d && r.isolates()) {
                out.add(r.describe());
            }
        }
        return List.copyOf(out);
    }
}
