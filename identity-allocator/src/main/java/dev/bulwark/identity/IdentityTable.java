package dev.bulwark.identity;

import dev.bulwark.model.LabelSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The replicated state: identities by number and by label set, owner leases, identities in their grace
 * period and numbers in quarantine, the revision and the log time. Immutable; {@link IdentityAllocator}
 * produces the next table from this one. Safe to read from any thread.
 *
 * <p>Invariants (checked by the simulation test): one id per label set and one label set per id;
 * every id is inside the policy's range; an identity is in {@code unreferenced} iff it has no owner;
 * no id is both allocated and quarantined.
 */
public final class IdentityTable {

    private static final IdentityTable EMPTY = new IdentityTable(PersistentMap.empty(), PersistentMap.empty(),
            PersistentMap.empty(), PersistentMap.empty(), PersistentMap.empty(), 0, 0, 0, 0, Long.MAX_VALUE);

    final PersistentMap<Integer, IdentityRecord> byId;
    final PersistentMap<LabelSet, Integer> byLabels;
    final PersistentMap<String, Lease> leases;
    /** Identities with no reference: id -> log time the last reference was dropped. */
    final PersistentMap<Integer, Long> unreferenced;
    /** Released numbers not yet reusable: id -> log time the quarantine ends. */
    final PersistentMap<Integer, Long> quarantine;
    final long revision;
    final long timeMs;
    /** The Raft term of the last applied entry (0 before the first); a change means a new leader. */
    final long term;
    /** Where the search for a free number starts (0: at the start of the range). */
    final int nextCandidate;
    /** No lease, grace period or quarantine ends before this log time (a lower bound; may be early). */
    final long nextDeadlineMs;

    IdentityTable(PersistentMap<Integer, IdentityRecord> byId, PersistentMap<LabelSet, Integer> byLabels,
                  PersistentMap<String, Lease> leases, PersistentMap<Integer, Long> unreferenced,
                  PersistentMap<Integer, Long> quarantine, long revision, long timeMs, long term,
                  int nextCandidate, long nextDeadlineMs) {
        this.byId = byId;
        this.byLabels = byLabels;
        this.leases = leases;
        this.unreferenced = unreferenced;
        this.quarantine = quarantine;
        this.revision = revision;
        this.timeMs = timeMs;
        this.term = term;
        this.nextCandidate = nextCandidate;
        this.nextDeadlineMs = nextDeadlineMs;
    }

    public static IdentityTable empty() {
        return EMPTY;
    }

    /** The revision of the last change; 0 for an empty table. */
    public long revision() {
        return revision;
    }

    /** The log time of the last applied entry, ms since the epoch. */
    public long timeMs() {
        return timeMs;
    }

    /** The Raft term of the last applied entry; part of the snapshot so replicas agree on leader changes. */
    public long term() {
        return term;
    }

    /** Where the search for the next free number starts; part of the snapshot so replicas agree. */
    public int nextCandidate() {
        return nextCandidate;
    }

    public int size() {
        return byId.size();
    }

    public Optional<IdentityRecord> byId(int id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Optional<IdentityRecord> byLabels(LabelSet labels) {
        Integer id = byLabels.get(labels);
        return id == null ? Optional.empty() : Optional.of(byId.get(id));
    }

    public Optional<Lease> lease(String owner) {
        return Optional.ofNullable(leases.get(owner));
    }

    /** Leases, sorted by owner. */
    public List<Lease> leases() {
        List<Lease> out = new ArrayList<>(leases.size());
        leases.forEach((k, v) -> out.add(v));
        out.sort(Comparator.comparing(Lease::owner));
        return out;
    }

    /** True while {@code id} is released but not yet reusable. */
    public boolean quarantined(int id) {
        return quarantine.containsKey(id);
    }

    /** The end of {@code id}'s quarantine (log time, ms), if quarantined. */
    public Optional<Long> quarantineEndsMs(int id) {
        return Optional.ofNullable(quarantine.get(id));
    }

    public int quarantineSize() {
        return quarantine.size();
    }

    /** Up to {@code limit} identities with id greater than {@code afterId}, ascending. */
    public List<IdentityRecord> page(int afterId, int limit) {
        List<IdentityRecord> all = all();
        List<IdentityRecord> out = new ArrayList<>(Math.min(limit, all.size()));
        for (IdentityRecord r : all) {
            if (Integer.compareUnsigned(r.id(), afterId) > 0) {
                out.add(r);
                if (out.size() == limit) {
                    break;
                }
            }
        }
        return out;
    }

    /** Every identity, ascending by id. */
    public List<IdentityRecord> all() {
        List<IdentityRecord> out = new ArrayList<>(byId.size());
        byId.forEach((k, v) -> out.add(v));
        out.sort(Comparator.comparingInt(IdentityRecord::id));
        return out;
    }

    /** Quarantined numbers with their end times, as (id, endMs) pairs ascending by id. */
    public List<long[]> quarantineEntries() {
        List<long[]> out = new ArrayList<>(quarantine.size());
        quarantine.forEach((k, v) -> out.add(new long[] {k, v}));
        out.sort(Comparator.comparingLong(a -> a[0]));
        return out;
    }

    /** Rebuilds a table from its parts (a snapshot); derived indexes are recomputed. */
    public static IdentityTable restore(List<IdentityRecord> identities, List<Lease> leaseList,
                                        List<long[]> quarantined, long revision, long timeMs, long term,
                                        int nextCandidate) {
        PersistentMap.Editor<Integer, IdentityRecord> ids = PersistentMap.<Integer, IdentityRecord>empty().edit();
        PersistentMap.Editor<LabelSet, Integer> labels = PersistentMap.<LabelSet, Integer>empty().edit();
        PersistentMap.Editor<Integer, Long> unref = PersistentMap.<Integer, Long>empty().edit();
        for (IdentityRecord r : identities) {
            ids.put(r.id(), r);
            labels.put(r.labels(), r.id());
            if (r.owners().isEmpty()) {
                unref.put(r.id(), r.unreferencedSinceMs());
            }
        }
        PersistentMap.Editor<String, Lease> leaseMap = PersistentMap.<String, Lease>empty().edit();
        leaseList.forEach(l -> leaseMap.put(l.owner(), l));
        PersistentMap.Editor<Integer, Long> q = PersistentMap.<Integer, Long>empty().edit();
        quarantined.forEach(e -> q.put((int) e[0], e[1]));
        // A deadline of 0 makes the next apply scan everything once and compute the real bound.
        return new IdentityTable(ids.build(), labels.build(), leaseMap.build(), unref.build(), q.build(),
                revision, timeMs, term, nextCandidate, 0);
    }
}
