package dev.bulwark.policy.distribution.state;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The versioned history of distributed state: the current {@link Snapshot} plus a bounded run of earlier
 * ones (Typha's breadcrumbs), each with what changed. Streams resume from any retained revision; older
 * agents get a full state.
 *
 * <p>Revisions come from a Lamport clock: {@link #observe} moves it past a version an agent presents, so a
 * replica that takes over an agent from another replica never issues that agent a version it already
 * holds. Not thread-safe: owned by one thread (the distribution loop).
 */
public final class StateHistory {

    /** One step of history: the snapshot it produced and which parts changed. */
    public record Revision(Snapshot snapshot, boolean ipcacheChanged, Set<String> changedPrefixes,
                           Set<String> changedNodes, long producedUnixMs) {

        public boolean affects(String nodeName) {
            return ipcacheChanged || changedNodes.contains(nodeName);
        }
    }

    private final int capacity;
    private final ArrayDeque<Revision> revisions = new ArrayDeque<>();
    private long clock;

    /** @param capacity how many revisions to retain (at least 1: the current one) */
    public StateHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("history capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        revisions.addLast(new Revision(Snapshot.EMPTY, false, Set.of(), Set.of(), 0));
    }

    public Snapshot current() {
        return revisions.peekLast().snapshot();
    }

    public Revision currentRevision() {
        return revisions.peekLast();
    }

    public long oldestRevision() {
        return revisions.peekFirst().snapshot().revision();
    }

    public long clock() {
        return clock;
    }

    /** Moves the clock past a version seen elsewhere (an agent's known version, a peer's notice). */
    public void observe(long version) {
        clock = Math.max(clock, version);
    }

    /** Applies a change; empty when it changes nothing (no revision is created). */
    public Optional<Revision> apply(ClusterChange change, long nowUnixMs) {
        Snapshot cur = current();
        long rev = clock + 1;
        Map<String, IpcacheMapping> ipcache = new HashMap<>(cur.ipcache());
        long ipDigest = cur.ipcacheDigest();
        Set<String> changedPrefixes = new HashSet<>();
        for (String prefix : change.ipcacheDeletes()) {
            IpcacheMapping old = ipcache.remove(prefix);
            if (old != null) {
                ipDigest -= StateDigest.ipcacheTerm(prefix, old);
                changedPrefixes.add(prefix);
            }
        }
        for (var e : change.ipcacheUpserts().entrySet()) {
            IpcacheMapping old = ipcache.put(e.getKey(), e.getValue());
            if (!e.getValue().equals(old)) {
                ipDigest += StateDigest.ipcacheTerm(e.getKey(), e.getValue())
                        - (old == null ? 0 : StateDigest.ipcacheTerm(e.getKey(), old));
                changedPrefixes.add(e.getKey());
            }
        }
        Map<String, Snapshot.NodeEndpoints> nodes = new HashMap<>(cur.nodes());
        Set<String> changedNodes = new HashSet<>();
        Set<String> touched = new HashSet<>(change.endpointUpserts().keySet());
        touched.addAll(change.endpointRemovals().keySet());
        for (String node : touched) {
            Snapshot.NodeEndpoints before = cur.node(node);
            Snapshot.NodeEndpoints after = applyToNode(before, rev,
                    change.endpointUpserts().getOrDefault(node, Map.of()),
                    change.endpointRemovals().getOrDefault(node, Set.of()));
            if (after != before) {
                changedNodes.add(node);
                if (after.endpoints().isEmpty()) {
                    nodes.put(node, new Snapshot.NodeEndpoints(rev, Map.of(), 0));
                } else {
                    nodes.put(node, after);
                }
            }
        }
        boolean ipcacheChanged = !changedPrefixes.isEmpty();
        if (!ipcacheChanged && changedNodes.isEmpty()) {
            return Optional.empty();
        }
        clock = rev;
        Snapshot next = new Snapshot(rev, ipcacheChanged ? java.util.Collections.unmodifiableMap(ipcache) : cur.ipcache(),
                ipcacheChanged ? rev : cur.ipcacheRevision(), ipDigest, java.util.Collections.unmodifiableMap(nodes));
        Revision revision = new Revision(next, ipcacheChanged, Set.copyOf(changedPrefixes), Set.copyOf(changedNodes), nowUnixMs);
        revisions.addLast(revision);
        while (revisions.size() > capacity) {
            revisions.removeFirst();
        }
        return Optional.of(revision);
    }

    private static Snapshot.NodeEndpoints applyToNode(Snapshot.NodeEndpoints before, long rev,
                                                      Map<String, EndpointState> upserts, Set<String> removals) {
        Map<String, EndpointState> endpoints = new HashMap<>(before.endpoints());
        long digest = before.digest();
        boolean changed = false;
        for (String name : removals) {
            EndpointState old = endpoints.remove(name);
            if (old != null) {
                digest -= old.digest();
                changed = true;
            }
        }
        for (EndpointState e : upserts.values()) {
            EndpointState old = endpoints.get(e.name());
            if (!e.equals(old)) {
                endpoints.put(e.name(), e);
                digest += e.digest() - (old == null ? 0 : old.digest());
                changed = true;
            }
        }
        return changed ? new Snapshot.NodeEndpoints(rev, java.util.Collections.unmodifiableMap(endpoints), digest) : before;
    }

    /** The state at {@code revision} if history still holds it (the newest snapshot at or before it). */
    public Optional<Snapshot> at(long revision) {
        if (revision < oldestRevision() || revision > current().revision()) {
            return Optional.empty();
        }
        Iterator<Revision> it = revisions.descendingIterator();
        while (it.hasNext()) {
            Snapshot s = it.next().snapshot();
            if (s.revision() <= revision) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * The retained revision whose view of {@code nodeName} an agent presenting {@code knownVersion} and
     * {@code knownDigest} holds, or -1 when there is none (it needs a full state): the snapshot at its
     * version when the digest agrees (or none was sent), else the newest snapshot with that digest (another
     * replica, or an earlier run of this one, produced the version).
     */
    public long resumeRevision(String nodeName, long knownVersion, long knownDigest) {
        if (knownVersion <= 0) {
            return -1;
        }
        Optional<Snapshot> atVersion = at(knownVersion);
        if (knownDigest == 0) {
            return atVersion.map(Snapshot::revision).orElse(-1L);
        }
        if (atVersion.isPresent() && atVersion.get().nodeDigest(nodeName) == knownDigest) {
            return atVersion.get().revision();
        }
        return matching(nodeName, knownDigest).map(Snapshot::revision).orElse(-1L);
    }

    /** The newest retained snapshot in which {@code nodeName}'s view has {@code digest}. */
    public Optional<Snapshot> matching(String nodeName, long digest) {
        Iterator<Revision> it = revisions.descendingIterator();
        while (it.hasNext()) {
            Snapshot s = it.next().snapshot();
            if (s.nodeDigest(nodeName) == digest) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The delta for {@code nodeName} from a retained snapshot to the current one. */
    public NodeDelta deltaFrom(Snapshot base, String nodeName) {
        Snapshot cur = current();
        if (base.ipcache() == cur.ipcache()) {
            return NodeDelta.between(base.view(nodeName), cur.view(nodeName), Set.of());
        }
        Set<String> prefixes = new HashSet<>();
        for (Revision r : revisions) {
            if (r.snapshot().revision() > base.revision()) {
                prefixes.addAll(r.changedPrefixes());
            }
        }
        return NodeDelta.between(base.view(nodeName), cur.view(nodeName), prefixes);
    }
}
