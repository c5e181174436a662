package dev.bulwark.policy.compile;

import dev.bulwark.model.policy.Direction;
import dev.bulwark.policy.api.Peer;
import dev.bulwark.policy.api.PortRule;
import dev.bulwark.policy.api.Rule;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every {@link PolicyGroup} in use, by key, and indexed by rule: a change to one rule's peers reaches
 * the groups holding that rule (a handful per rule) instead of every endpoint the rule selects. Each
 * rule with peers also has its {@link SharedSlices}, one per (isolation, named ports) among the groups
 * holding it. Groups are dropped when their last member leaves; their ids are reused. Owned by one
 * {@link PolicyEngine}; not thread-safe.
 */
final class PolicyGroups {

    private final Map<GroupKey, PolicyGroup> byKey = new HashMap<>();
    /** Insertion-ordered sets, so deltas are built in a deterministic order. */
    private final Map<Rule, Set<PolicyGroup>> byRule = new IdentityHashMap<>();
    private final Map<Rule, List<SharedSlices>> shares = new IdentityHashMap<>();
    private final List<Integer> freeIds = new ArrayList<>();
    private int nextId;

    PolicyGroup get(GroupKey key) {
        return byKey.get(key);
    }

    PolicyGroup create(GroupKey key, EndpointCompiler.Compiled whole) {
        int id = freeIds.isEmpty() ? nextId++ : freeIds.removeLast();
        PolicyGroup g = new PolicyGroup(key, id, whole);
        if (byKey.putIfAbsent(key, g) != null) {
            throw new IllegalStateException("policy group created twice");
        }
        List<SharedSlices> of = new ArrayList<>();
        for (Rule r : key.rules()) {
            byRule.computeIfAbsent(r, k -> new LinkedHashSet<>()).add(g);
            if (hasPeerSelectors(r)) {
                of.add(sharesFor(r, g));
            }
        }
        g.share(of.toArray(SharedSlices[]::new));
        for (int i = 0; i < of.size(); i++) {
            of.get(i).add(g, i);
        }
        return g;
    }

    private SharedSlices sharesFor(Rule r, PolicyGroup g) {
        boolean isolated = g.isolated(r.direction());
        List<NamedPort> ports = dependsOnOwnPorts(r) ? g.ports() : List.of();
        List<SharedSlices> list = shares.computeIfAbsent(r, k -> new ArrayList<>(1));
        for (SharedSlices s : list) {
            if (s.sameAs(isolated, ports)) {
                return s;
            }
        }
        SharedSlices s = new SharedSlices(r, isolated, ports);
        list.add(s);
        return s;
    }

    private static boolean hasPeerSelectors(Rule r) {
        for (Peer p : r.peers()) {
            if (!p.selector().isWildcard()) {
                return true;
            }
        }
        return false;
    }

    /** True if the rule's slices depend on the endpoint's own named ports (ingress named ports). */
    static boolean dependsOnOwnPorts(Rule r) {
        if (r.direction() != Direction.INGRESS) {
            return false;
        }
        for (PortRule p : r.ports()) { // a loop, not a stream: called once per group a fan-out reaches
            if (p.isNamed()) {
                return true;
            }
        }
        return false;
    }

    Set<PolicyGroup> withRule(Rule r) {
        return byRule.getOrDefault(r, Set.of());
    }

    /** The shared slices of {@code r}, one per (isolation, named ports) among the groups holding it. */
    List<SharedSlices> sharesOf(Rule r) {
        return shares.getOrDefault(r, List.of());
    }

    /** One more than the largest group id in use (the size of arrays indexed by group id). */
    int idLimit() {
        return nextId;
    }

    Collection<PolicyGroup> all() {
        return byKey.values();
    }

    /** Drops {@code g} if no endpoint is in it any more. */
    void dropIfEmpty(PolicyGroup g) {
        if (!g.isEmpty() || byKey.get(g.key()) != g) {
            return;
        }
        byKey.remove(g.key());
        for (Rule r : g.rules()) {
            Set<PolicyGroup> set = byRule.get(r);
            set.remove(g);
            if (set.isEmpty()) {
                byRule.remove(r);
            }
        }
        for (SharedSlices s : g.shares()) {
            s.remove(g);
            if (s.size() == 0) {
                List<SharedSlices> list = shares.get(s.rule);
                list.remove(s);
                if (list.isEmpty()) {
                    shares.remove(s.rule);
                }
            }
        }
        freeIds.add(g.id());
    }

    int size() {
        return byKey.size();
    }
}
