package dev.bulwark.policy.compile;

import dev.bulwark.policy.api.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one engine operation touched: endpoints to regroup and recompile whole (their rules, identity
 * or ports changed), rules whose peers gained or lost an identity (their groups' slices of it change),
 * policy groups with slices to recompile whole, groups that lost members, endpoints deleted. Sorted or insertion-ordered, so
 * deltas come out in a deterministic order. Replaced (not cleared) after each operation.
 */
final class ChangeSet {

    /** Rule {@code rule}'s peers gained or lost identity {@code remote} (not 0). Rules compare by object. */
    record RuleMark(Rule rule, int remote) {
        @Override
        public boolean equals(Object o) {
            return o instanceof RuleMark m && m.rule == rule && m.remote == remote;
        }

        @Override
        public int hashCode() {
            return 31 * System.identityHashCode(rule) + remote;
        }
    }

    final Set<String> full = new TreeSet<>();
    /** In marking order; resolved into per-group marks or shared-slice replacements when the delta is built. */
    final Set<RuleMark> rules = new LinkedHashSet<>();
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
