package dev.bulwark.policy.compile;

import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves a delta's rule marks (rule R's peers gained or lost identity X) into group changes. A
 * group where R is the only marked rule and that changes in no other way gets its slice of X from
 * R's {@link SharedSlices}: the replacement is written there once, listed once in the delta for all
 * those groups' members, and applied by each group when its state is next read. Every other group
 * holding R (another marked rule also selects X, or it is regrouped, vacated, or recompiled whole)
 * gets a {@link GroupWork} mark and is handled per group, as before. So a new identity that the
 * "from team=t0" rule of 100 namespaces selects costs about 100 writes, not one per group (600).
 *
 * <p>Overflow is decided per group, so a shared replacement is only used while no group can cross the
 * entry limit through it: {@link #bound} is at least every group's size (raised by each shared
 * growth; recomputed when it is in the way, which costs a pass over the groups and is rare unless some
 * group is near the limit); otherwise every group is marked individually.
 *
 * <p>Owned by one {@link DeltaBuilder}; not thread-safe.
 */
final class RuleFanOut {

    /**
     * Computes (or finds in this delta's memo) the slice of {@code remote} that only {@code s.rule}
     * decides; null if the rule does not select it now. Only slices the rule now selects are shared:
     * a group then applies each shared slices' log on its own without reordering replacements of one
     * remote (another shared slices could only replace it after this rule lost it, which every group
     * holding the rule takes itself, after applying everything pending).
     */
    interface OneRuleSlices {
        EndpointCompiler.Compiled of(SharedSlices s, int remote);
    }

    private final PolicyGroups groups;
    private final int limit;
    /** At least the size of every group, pending replacements included. */
    private int bound;
    /** Per group id, in the delta being resolved: marked rules holding it, and whether it changes otherwise. */
    private int[] hits = new int[64];
    private boolean[] own = new boolean[64];
    /** The group ids whose {@link #hits} this delta raised from 0, the first {@code touchedCount} of them. */
    private int[] touched = new int[64];
    /** Scratch: positions in one shared slices of the groups only its rule reaches. */
    private int[] lazyScratch = new int[64];

    RuleFanOut(PolicyGroups groups, int limit) {
        this.groups = groups;
        this.limit = limit;
    }

    /** A group's size is now known exactly (compiled, or changed per group). */
    void sized(int size) {
        bound = Math.max(bound, size);
    }

    private record Planned(SharedSlices shares, int remote, EndpointCompiler.Compiled after, Map<PolicyKey, PolicyEntry> before,
                           int[] lazy) {
    }

    /**
     * @param changes the delta's changes; rule marks that groups take themselves become {@link GroupWork} marks
     * @param handled groups changing otherwise in this delta (regrouped into, vacated, created)
     * @param created groups created in this delta (compiled whole, already current: never marked)
     * @return the shared changes of the replacements written to shared slices
     */
    List<PolicyDelta.SharedChange> resolve(ChangeSet changes, Collection<PolicyGroup> handled, Set<PolicyGroup> created,
                                           OneRuleSlices slices) {
        if (changes.rules.isEmpty()) {
            return List.of();
        }
        int n = groups.idLimit();
        if (hits.length < n) {
            hits = new int[Math.max(n, hits.length * 2)];
            own = new boolean[hits.length];
            touched = new int[hits.length];
        }
        List<PolicyGroup> eager = new ArrayList<>();
        for (GroupWork w : changes.groups) {
            flag(w.group, eager);
        }
        for (PolicyGroup g : handled) {
            flag(g, eager);
        }
        // Each marked rule's shared slices, looked up once (the passes below visit them three times).
        List<SharedSlices> reached = new ArrayList<>();
        List<ChangeSet.RuleMark> reachedBy = new ArrayList<>();
        int touchedCount = 0;
        for (ChangeSet.RuleMark m : changes.rules) {
            for (SharedSlices s : groups.sharesOf(m.rule())) {
                reached.add(s);
                reachedBy.add(m);
                for (int i = 0, size = s.size(); i < size; i++) {
                    int id = s.id(i);
                    if (hits[id]++ == 0) {
                        touched[touchedCount++] = id;
                    }
                }
            }
        }
        // Plan the shared replacements: per marked rule's shared slices, the groups only it reaches.
        Planned[] planned = new Planned[reached.size()];
        List<Planned> plan = new ArrayList<>();
        int growth = 0;
        for (int at = 0; at < planned.length; at++) {
            SharedSlices s = reached.get(at);
            int size = s.size();
            if (lazyScratch.length < size) {
                lazyScratch = new int[Math.max(size, lazyScratch.length * 2)];
            }
            int[] lazy = lazyScratch;
            int count = 0;
            for (int i = 0; i < size; i++) {
                int id = s.id(i);
                if (hits[id] == 1 && !own[id]) {
                    lazy[count++] = i;
                }
            }
            int remote = reachedBy.get(at).remote();
            EndpointCompiler.Compiled after = count == 0 ? null : slices.of(s, remote);
            if (after != null) {
                Map<PolicyKey, PolicyEntry> before = s.slice(lazy[0], remote); // the same in all of them
                growth = Math.max(growth, after.entries().size() - before.size());
                Planned p = new Planned(s, remote, after, before, Arrays.copyOf(lazy, count));
                plan.add(p);
                planned[at] = p;
            }
        }
        if (!plan.isEmpty() && bound + growth > limit) {
            bound = 0; // groups shrink and are dropped without lowering it
            for (PolicyGroup g : groups.all()) {
                bound = Math.max(bound, g.size());
            }
        }
        boolean share = !plan.isEmpty() && bound + growth <= limit;
        // Every other group holding a marked rule takes its marks itself.
        for (int at = 0; at < planned.length; at++) {
            SharedSlices s = reached.get(at);
            boolean sharing = share && planned[at] != null;
            if (sharing && planned[at].lazy().length == s.size()) {
                continue; // every group of these slices takes the shared replacement
            }
            ChangeSet.RuleMark m = reachedBy.get(at);
            for (int i = 0, size = s.size(); i < size; i++) {
                int id = s.id(i);
                if (!sharing || hits[id] > 1 || own[id]) {
                    PolicyGroup g = s.group(i);
                    if (!created.contains(g)) {
                        changes.work(g).mark(m.remote(), m.rule());
                        eager.add(g);
                    }
                }
            }
        }
        List<PolicyDelta.SharedChange> out = new ArrayList<>();
        if (share) {
            // Groups changing themselves see the slices as they were, then skip what is written below.
            for (PolicyGroup g : eager) {
                g.sync();
            }
            for (Planned p : plan) {
                Map<PolicyKey, PolicyEntry> upserts = new HashMap<>();
                Set<PolicyKey> removals = new HashSet<>();
                DeltaBuilder.diff(p.before(), p.after().entries(), upserts, removals);
                if (upserts.isEmpty() && removals.isEmpty()) {
                    continue;
                }
                SharedSlices s = p.shares();
                s.append(new SharedSlices.Pending(p.remote(), p.after().entries(), p.after().l7()));
                List<String> endpoints;
                if (p.lazy().length == s.size()) {
                    endpoints = s.endpoints();
                } else {
                    endpoints = new ArrayList<>();
                    for (int i : p.lazy()) {
                        endpoints.addAll(s.group(i).members());
                    }
                }
                out.add(new PolicyDelta.SharedChange(endpoints, upserts, removals));
            }
            for (PolicyGroup g : eager) {
                g.skipPending();
            }
            for (Planned p : plan) {
                p.shares().advance();
            }
            bound += Math.max(0, growth); // a group takes at most one shared replacement per delta
        }
        for (int t = 0; t < touchedCount; t++) {
            hits[touched[t]] = 0;
        }
        for (PolicyGroup g : eager) {
            own[g.id()] = false;
        }
        return out;
    }

    private void flag(PolicyGroup g, List<PolicyGroup> eager) {
        if (g.id() < own.length) {
            own[g.id()] = true;
        }
        eager.add(g);
    }
}
