package dev.bulwark.policy.compile;

import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.policy.api.L7Rules;
import dev.bulwark.policy.api.Rule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One rule's slices as every {@link PolicyGroup} holding the rule with the same isolation of the
 * rule's direction (and the same named ports, when the rule resolves its own) sees them: where that
 * rule is the only one of a group selecting a remote identity, the group's slice of it is a function
 * of (rule, isolation, ports, remote) alone, so it is the same in all of them.
 *
 * <p>A new identity that one rule selects is therefore written here once, as a pending
 * replacement in {@link #log}, instead of into each of the (hundreds of) groups holding the rule; a
 * group applies the replacements it has not seen when its state is next read ({@link PolicyGroup}'s
 * accessors do). The delta lists the change once, for {@link #endpoints()}. Groups where another rule
 * also selects the identity, or that changed otherwise in the same delta, take the change themselves
 * and skip the pending one. The deltas that write here let the groups catch up in turn (each about
 * once every 32 writes), so every group has applied the older half of the log by the time it is
 * full and that half is dropped: the catching up is spread over the deltas instead of falling on one.
 *
 * <p>A group may apply one shared slices' log without the others': pending replacements of one remote
 * identity in one group all come from the same shared slices, because only identities the rule now
 * selects are written here, and a rule stops selecting an identity only when it vanishes (identities
 * and rules are immutable), which every group holding the rule takes itself after applying everything
 * pending ({@link RuleFanOut}). So even a reused identity number is never replaced out of order.
 *
 * <p>Owned by one {@link PolicyEngine} through {@link PolicyGroups}; not thread-safe.
 */
final class SharedSlices {

    /** A slice replacement not yet applied by every group of these slices. */
    record Pending(int remote, Map<PolicyKey, PolicyEntry> entries, Map<PolicyKey, L7Rules> l7) {
    }

    /** Past this many pending replacements, those every group has applied are dropped. */
    static final int LOG_MAX = 64;

    final Rule rule;
    final boolean isolated;
    /** The groups' named ports when the rule resolves its own (ingress named ports), else empty. */
    final List<NamedPort> ports;
    final int portsHash;
    /** Replacements from absolute position {@link #base} on; groups hold absolute positions. */
    private final List<Pending> log = new ArrayList<>();
    private int base;
    private final List<PolicyGroup> groups = new ArrayList<>();
    /** The groups' ids, parallel to {@link #groups}: a fan-out counts per id without touching the groups. */
    private int[] ids = new int[4];
    /** Where these slices are in each group's {@link PolicyGroup#shares()}, parallel to {@link #groups}. */
    private int[] slots = new int[4];
    /** The group that catches up next. */
    private int turn;
    /** Catch-up owed, in 1/{@link #LOG_MAX} of a group: each write adds 2 per group. */
    private int credit;
    /** Every member of every group, immutable; null when a group's membership changed since. */
    private List<String> endpoints;

    SharedSlices(Rule rule, boolean isolated, List<NamedPort> ports) {
        this.rule = rule;
        this.isolated = isolated;
        this.ports = ports;
        this.portsHash = ports.hashCode();
    }

    boolean sameAs(boolean isolated, List<NamedPort> ports) {
        return this.isolated == isolated && this.ports.equals(ports);
    }

    int size() {
        return groups.size();
    }

    PolicyGroup group(int i) {
        return groups.get(i);
    }

    int id(int i) {
        return ids[i];
    }

    /** The slice of {@code remote} in the {@code i}th group, with these slices' replacements applied. */
    Map<PolicyKey, PolicyEntry> slice(int i, int remote) {
        return groups.get(i).slice(slots[i], remote);
    }

    void add(PolicyGroup g, int slot) {
        if (groups.size() == ids.length) {
            ids = Arrays.copyOf(ids, ids.length * 2);
            slots = Arrays.copyOf(slots, slots.length * 2);
        }
        ids[groups.size()] = g.id();
        slots[groups.size()] = slot;
        groups.add(g);
        endpoints = null;
    }

    void remove(PolicyGroup g) {
        int i = groups.indexOf(g);
        int last = groups.size() - 1;
        groups.set(i, groups.get(last));
        ids[i] = ids[last];
        slots[i] = slots[last];
        groups.remove(last);
        endpoints = null;
    }

    // ---- the log -----------------------------------------------------------------------------------

    /** The absolute position after the last replacement. */
    int end() {
        return base + log.size();
    }

    Pending at(int position) {
        return log.get(position - base);
    }

    void append(Pending p) {
        log.add(p);
    }

    /**
     * After a delta's replacements were written (and the groups that took them themselves skipped
     * them): the next groups in turn catch up, 2n/{@link #LOG_MAX} groups per write on average, so
     * each has within half a log; when the log is full, what every group has applied is dropped.
     * Not at least one group per write: where a rule has a few groups, that applied each replacement
     * one or two at a time, each catch-up paying for reaching its group (its object, tables and
     * per-slot positions) again; now each applies about half a log at once.
     */
    void advance() {
        int n = groups.size();
        if (n == 0) {
            base = end();
            log.clear();
            credit = 0;
            return;
        }
        credit += 2 * n;
        int k = credit / LOG_MAX;
        credit -= k * LOG_MAX;
        for (int j = 0; j < k; j++) {
            turn = (turn + 1) % n;
            groups.get(turn).sync(slots[turn]);
        }
        if (log.size() > LOG_MAX) {
            int min = end();
            for (int i = 0; i < n; i++) {
                min = Math.min(min, groups.get(i).applied(slots[i]));
            }
            log.subList(0, min - base).clear();
            base = min;
        }
    }

    /** A group's membership changed. */
    void membersChanged() {
        endpoints = null;
    }

    /** Every member of every group holding these slices. */
    List<String> endpoints() {
        if (endpoints == null) {
            List<String> out = new ArrayList<>();
            for (PolicyGroup g : groups) {
                out.addAll(g.members());
            }
            endpoints = List.copyOf(out);
        }
        return endpoints;
    }
}
