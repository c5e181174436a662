package dev.bulwark.policy.compile;

import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashSet;
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
    /** In marking order; each group points at its work while the operation runs ({@link PolicyGroup#work}). */
    final List<GroupWork> groups = new ArrayList<>();
    final Set<PolicyGroup> vacated = new LinkedHashSet<>();
    final Set<String> deleted = new TreeSet<>();

    GroupWork work(PolicyGroup g) {
        GroupWork w = g.work;
        if (w == null) {
            w = new GroupWork(g);
            g.work = w;
            groups.add(w);
        }
        return w;
    }

    /** Detaches the work from the groups once the delta is built. */
    void done() {
        for (GroupWork w : groups) {
            w.group.work = null;
        }
    }
}
