package dev.bulwark.policy.compile;

import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.policy.api.Rule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one delta does to one {@link PolicyGroup}: the slices marked for recompiling (with the rules
 * whose peers gained or lost the identity), then the slices they replaced. Allocated per delta and
 * dropped with it: the group itself never carries per-delta state. Not thread-safe.
 */
final class GroupWork {

    /** One marked slice. {@code rules} null: recompile it whole. */
    static final class Mark {
        final int remote;
        List<Rule> rules = new ArrayList<>(2);
        Map<PolicyKey, PolicyEntry> before;
        Map<PolicyKey, PolicyEntry> after;

        Mark(int remote) {
            this.remote = remote;
        }
    }

    final PolicyGroup group;
    final List<Mark> marks = new ArrayList<>(2);
    int sizeBefore = -1;

    GroupWork(PolicyGroup group) {
        this.group = group;
    }

    /** Marks the slice of {@code remote}; {@code rule} is the rule whose peer changed, null for the whole slice. */
    void mark(int remote, Rule rule) {
        Mark m = null;
        for (Mark x : marks) {
            if (x.remote == remote) {
                m = x;
                break;
            }
        }
        if (m == null) {
            m = new Mark(remote);
            marks.add(m);
        }
        if (m.rules == null) {
            return; // already whole
        }
        if (rule == null) {
            m.rules = null;
        } else if (!containsRef(m.rules, rule)) {
            m.rules.add(rule);
        }
    }

    private static boolean containsRef(List<Rule> rules, Rule r) {
        for (Rule x : rules) {
            if (x == r) {
                return true;
            }
        }
        return false;
    }

    int sizeBefore() {
        return sizeBefore < 0 ? group.size() : sizeBefore;
    }

    boolean replacedAny() {
        return sizeBefore >= 0;
    }

    /** The state before this delta, flattened (for the rare per-endpoint diffs: overflow). */
    Map<PolicyKey, PolicyEntry> flatBefore() {
        Map<PolicyKey, PolicyEntry> out = new HashMap<>(group.flat());
        for (Mark m : marks) {
            if (m.before != null) {
                if (m.after != null) {
                    m.after.keySet().forEach(out::remove);
                }
                out.putAll(m.before);
            }
        }
        return out;
    }
}
