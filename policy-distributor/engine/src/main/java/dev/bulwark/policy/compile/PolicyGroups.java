package dev.bulwark.policy.compile;

import dev.bulwark.policy.api.Rule;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Every {@link PolicyGroup} in use, by key, and indexed by rule: a change to one rule's peers reaches
 * the groups holding that rule (a handful per rule) instead of every endpoint the rule selects. Groups
 * are dropped when their last member leaves. Owned by one {@link PolicyEngine}; not thread-safe.
 */
final class PolicyGroups {

    private final Map<GroupKey, PolicyGroup> byKey = new HashMap<>();
    /** Insertion-ordered sets, so deltas are built in a deterministic order. */
    private final Map<Rule, Set<PolicyGroup>> byRule = new IdentityHashMap<>();

    PolicyGroup get(GroupKey key) {
        return byKey.get(key);
    }

    PolicyGroup create(GroupKey key, EndpointCompiler.Compiled whole) {
        PolicyGroup g = new PolicyGroup(key, whole);
        if (byKey.putIfAbsent(key, g) != null) {
            throw new IllegalStateException("policy group created twice");
        }
        for (Rule r : key.rules()) {
            byRule.computeIfAbsent(r, k -> new LinkedHashSet<>()).add(g);
        }
        return g;
    }

    Set<PolicyGroup> withRule(Rule r) {
        return byRule.getOrDefault(r, Set.of());
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
    }

    int size() {
        return byKey.size();
    }
}
