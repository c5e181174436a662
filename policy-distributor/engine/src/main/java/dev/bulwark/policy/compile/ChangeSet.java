package dev.bulwark.policy.compile;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one engine operation touched: endpoints to regroup and recompile whole (their rules, identity
 * or ports changed), policy groups with slices to recompile (a peer of one of their rules gained or
 * lost an identity), groups that lost members, endpoints deleted. Sorted or insertion-ordered, so
 * deltas come out in a deterministic order. Replaced (not cleared) after each operation.
 */
final class ChangeSet {
    final Set<String> full = new TreeSet<>();
    final Map<PolicyGroup, GroupWork> groups = new LinkedHashMap<>();
    final Set<PolicyGroup> vacated = new LinkedHashSet<>();
    final Set<String> deleted = new TreeSet<>();

    GroupWork work(PolicyGroup g) {
        GroupWork w = groups.get(g);
        if (w == null) {
            w = new GroupWork(g);
            groups.put(g, w);
        }
        return w;
    }
}
