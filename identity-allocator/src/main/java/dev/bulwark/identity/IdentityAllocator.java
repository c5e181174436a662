package dev.bulwark.identity;

import dev.bulwark.identity.Outcome.Allocation;
import dev.bulwark.model.LabelSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The deterministic state transition every replica applies to every committed log entry:
 * {@code apply(table, commands, logTimeMs) -> Transition}. Pure: no I/O, no clock (log time is the
 * leader's stamp in the entry, made monotonic here so a new leader with a slower clock cannot move time
 * back), no randomness, no dependence on hash iteration order (expiries are processed in sorted order).
 *
 * <p>Leases survive commit stalls, as etcd's lessor promotes every lease to a full TTL when a new leader
 * takes over: when an entry is the first of a new Raft term, or its log time is more than
 * {@link AllocationPolicy#LEASE_STALL_GAP} after the previous entry's, every live lease is extended to
 * at least {@code now + leaseTtl}. During an election or a stall no KeepAlive can commit, so without
 * this the log time that accumulated in the meantime would expire every owner at once. Both triggers
 * are read from the log (the entry's term, the stamps), so all replicas extend at the same entry.
 *
 * <p>Per entry, log time first expires what is due: leases (dropping their owners' references), then
 * grace periods (releasing the identity and quarantining its number), then quarantines. Then each command
 * runs in order. A command that cannot be satisfied (a full range) changes nothing and yields a typed
 * outcome; the other commands of the entry still apply.
 */
public final class IdentityAllocator {

    private final AllocationPolicy policy;

    public IdentityAllocator(AllocationPolicy policy) {
        this.policy = policy;
    }

    public AllocationPolicy policy() {
        return policy;
    }

    public Transition apply(IdentityTable table, IdentityCommand command, long logTimeMs) {
        return apply(table, List.of(command), logTimeMs);
    }

    /** Applies one log entry: {@code commands} in order, at leader-stamped time {@code logTimeMs}. */
    public Transition apply(IdentityTable table, List<IdentityCommand> commands, long logTimeMs) {
        return apply(table, table.term, commands, logTimeMs);
    }

    /** Applies one log entry of Raft term {@code term}: see the class doc for what a new term changes. */
    public Transition apply(IdentityTable table, long term, List<IdentityCommand> commands, long logTimeMs) {
        Work w = new Work(table, Math.max(table.timeMs, logTimeMs), term, policy);
        w.extendLeasesAfterInterruption(table.timeMs, term != table.term);
        w.expire();
        List<Outcome> outcomes = new ArrayList<>(commands.size());
        for (IdentityCommand c : commands) {
            outcomes.add(switch (c) {
                case IdentityCommand.Allocate a -> w.allocate(a);
                case IdentityCommand.Release r -> w.release(r);
                case IdentityCommand.KeepAlive k -> w.keepAlive(k.owner());
                case IdentityCommand.Tick t -> new Outcome.Ticked(w.revision);
            });
        }
        return new Transition(w.build(), outcomes, w.changes);
    }

    /** The edits of one entry; single-threaded, discarded after {@link #build()}. */
    private static final class Work {
        final AllocationPolicy policy;
        final long now;
        final long term;
        final PersistentMap.Editor<Integer, IdentityRecord> byId;
        final PersistentMap.Editor<LabelSet, Integer> byLabels;
        final PersistentMap.Editor<String, Lease> leases;
        final PersistentMap.Editor<Integer, Long> unreferenced;
        final PersistentMap.Editor<Integer, Long> quarantine;
        final List<IdentityChange> changes = new ArrayList<>();
        long revision;
        int nextCandidate;
        long nextDeadline;

        Work(IdentityTable t, long now, long term, AllocationPolicy policy) {
            this.policy = policy;
            this.now = now;
            this.term = term;
            this.byId = t.byId.edit();
            this.byLabels = t.byLabels.edit();
            this.leases = t.leases.edit();
            this.unreferenced = t.unreferenced.edit();
            this.quarantine = t.quarantine.edit();
            this.revision = t.revision;
            this.nextCandidate = t.nextCandidate;
            this.nextDeadline = t.nextDeadlineMs;
        }

        IdentityTable build() {
            return new IdentityTable(byId.build(), byLabels.build(), leases.build(), unreferenced.build(),
                    quarantine.build(), revision, now, term, nextCandidate, nextDeadline);
        }

        /**
         * A new leader or a stall: give every live lease a full TTL from now. Every lease in the table is
         * live as of {@code previousMs} (expiry ran at that entry), so none that had lapsed before the
         * interruption comes back.
         */
        void extendLeasesAfterInterruption(long previousMs, boolean newTerm) {
            if (!newTerm && now - previousMs <= AllocationPolicy.LEASE_STALL_GAP.toMillis()) {
                return;
            }
            long until = now + policy.leaseTtl().toMillis();
            for (String owner : leases.keys()) {
                Lease l = leases.get(owner);
                if (l.expiresAtMs() < until) {
                    leases.put(owner, new Lease(owner, until, l.references()));
                }
            }
            // nextDeadline stays a valid lower bound (it may now be early); expire() recomputes it.
        }

        void expire() {
            if (now < nextDeadline) {
                return;
            }
            expireLeases();
            long grace = policy.gracePeriod().toMillis();
            for (int id : sorted(unreferenced.keys())) {
                if (unreferenced.get(id) + grace <= now) {
                    releaseIdentity(id);
                }
            }
            for (int id : sorted(quarantine.keys())) {
                if (quarantine.get(id) <= now) {
                    quarantine.remove(id);
                }
            }
            recomputeDeadline();
        }

        private void expireLeases() {
            Map<String, Long> expired = new HashMap<>();
            for (String owner : leases.keys()) {
                if (leases.get(owner).expiresAtMs() <= now) {
                    expired.put(owner, leases.get(owner).expiresAtMs());
                }
            }
            if (expired.isEmpty()) {
                return;
            }
            expired.keySet().forEach(leases::remove);
            for (int id : sorted(byId.keys())) {
                IdentityRecord r = byId.get(id);
                if (!Collections.disjoint(r.owners(), expired.keySet())) {
                    List<String> kept = r.owners().stream().filter(o -> !expired.containsKey(o)).toList();
                    // The last reference went when the last of its owners' leases lapsed, not when we noticed.
                    long at = r.owners().stream().filter(expired::containsKey).mapToLong(expired::get).max().orElse(now);
                    setOwners(r, kept, at);
                }
            }
        }

        private void recomputeDeadline() {
            long grace = policy.gracePeriod().toMillis();
            long[] min = {Long.MAX_VALUE};
            leases.forEach((k, v) -> min[0] = Math.min(min[0], v.expiresAtMs()));
            unreferenced.forEach((k, v) -> min[0] = Math.min(min[0], v + grace));
            quarantine.forEach((k, v) -> min[0] = Math.min(min[0], v));
            nextDeadline = min[0];
        }

        private void releaseIdentity(int id) {
            IdentityRecord r = byId.get(id);
            byId.remove(id);
            byLabels.remove(r.labels());
            unreferenced.remove(id);
            long until = now + policy.quarantine().toMillis();
            quarantine.put(id, until);
            nextDeadline = Math.min(nextDeadline, until);
            changes.add(new IdentityChange(++revision, IdentityChange.Type.RELEASED, r));
        }

        Outcome allocate(IdentityCommand.Allocate a) {
            Set<LabelSet> fresh = new HashSet<>();
            for (LabelSet s : a.labelSets()) {
                if (FixedIdentities.of(s, policy).isEmpty() && !byLabels.containsKey(s)) {
                    fresh.add(s);
                }
            }
            int rangeSize = policy.maxIdentity() - policy.minIdentity() + 1;
            int free = rangeSize - byId.size() - quarantine.size();
            if (fresh.size() > free) {
                return new Outcome.RangeExhausted(policy.clusterId(), policy.minIdentity(), policy.maxIdentity(),
                        fresh.size(), free);
            }
            renewLease(a.owner());
            List<Allocation> out = new ArrayList<>(a.labelSets().size());
            for (LabelSet s : a.labelSets()) {
                Optional<Integer> fixed = FixedIdentities.of(s, policy);
                if (fixed.isPresent()) {
                    out.add(new Allocation(fixed.get(), false, s));
                    continue;
                }
                Integer existing = byLabels.get(s);
                if (existing != null) {
                    reference(byId.get(existing), a.owner());
                    out.add(new Allocation(existing, false, s));
                } else {
                    out.add(new Allocation(create(s, a.owner()), true, s));
                }
            }
            return new Outcome.Allocated(out, revision);
        }

        private int create(LabelSet labels, String owner) {
            int min = policy.minIdentity();
            int max = policy.maxIdentity();
            int id = nextCandidate < min || nextCandidate > max ? min : nextCandidate;
            while (byId.containsKey(id) || quarantine.containsKey(id)) {
                id = id == max ? min : id + 1;
            }
            nextCandidate = id == max ? min : id + 1;
            IdentityRecord r = new IdentityRecord(id, labels, List.of(owner), ++revision, now, 0);
            byId.put(id, r);
            byLabels.put(labels, id);
            adjustReferences(owner, 1);
            changes.add(new IdentityChange(revision, IdentityChange.Type.ALLOCATED, r));
            return id;
        }

        private void reference(IdentityRecord r, String owner) {
            int at = Collections.binarySearch(r.owners(), owner);
            if (at >= 0) {
                return;
            }
            List<String> owners = new ArrayList<>(r.owners());
            owners.add(-at - 1, owner);
            setOwners(r, owners, now);
            adjustReferences(owner, 1);
        }

        Outcome release(IdentityCommand.Release rel) {
            for (int id : rel.ids()) {
                IdentityRecord r = byId.get(id);
                if (r == null || Collections.binarySearch(r.owners(), rel.owner()) < 0) {
                    continue;
                }
                List<String> owners = new ArrayList<>(r.owners());
                owners.remove(rel.owner());
                setOwners(r, owners, now);
                adjustReferences(rel.owner(), -1);
            }
            return new Outcome.Released(revision);
        }

        Outcome keepAlive(String owner) {
            Lease l = renewLease(owner);
            return new Outcome.KeptAlive(policy.leaseTtl().toMillis(), l.references(), revision);
        }

        /** Sets the owners, moving the identity into (as of log time {@code at}) or out of its grace period. */
        private void setOwners(IdentityRecord r, List<String> owners, long at) {
            long since = 0;
            if (owners.isEmpty()) {
                since = r.owners().isEmpty() ? r.unreferencedSinceMs() : at;
                unreferenced.put(r.id(), since);
                nextDeadline = Math.min(nextDeadline, since + policy.gracePeriod().toMillis());
            } else {
                unreferenced.remove(r.id());
            }
            byId.put(r.id(), r.withOwners(owners, since));
        }

        private Lease renewLease(String owner) {
            Lease old = leases.get(owner);
            long expires = now + policy.leaseTtl().toMillis();
            Lease l = new Lease(owner, expires, old == null ? 0 : old.references());
            leases.put(owner, l);
            nextDeadline = Math.min(nextDeadline, expires);
            return l;
        }

        private void adjustReferences(String owner, int delta) {
            Lease l = leases.get(owner);
            if (l != null) {
                leases.put(owner, new Lease(owner, l.expiresAtMs(), l.references() + delta));
            }
        }

        private static <K extends Comparable<K>> List<K> sorted(List<K> keys) {
            Collections.sort(keys);
            return keys;
        }
    }
}
