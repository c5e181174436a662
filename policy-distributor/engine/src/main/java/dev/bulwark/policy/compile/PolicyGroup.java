package dev.bulwark.policy.compile;

import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.policy.api.L7Rules;
import dev.bulwark.policy.api.Rule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The compiled map state shared by every endpoint selected by exactly the same rules and declaring the
 * same named ports: their desired states are equal by construction, so it is held, updated and diffed
 * once per group rather than once per endpoint (Cilium shares per-selector state the same way). Held
 * as slices by remote identity, because that is the unit an identity change replaces. Slice maps are
 * never mutated once stored (they may be shared with other groups through the per-delta slice memo).
 *
 * <p>What one delta does to a group (marks, replaced slices) lives in {@link GroupWork}, allocated per
 * delta, so the group itself holds only its state and members. A slice that one of its rules alone
 * decides may have been replaced in the rule's {@link SharedSlices} rather than here: every accessor
 * of the state first applies those pending replacements ({@link #sync()}). Owned by one
 * {@link PolicyEngine}; not thread-safe.
 */
final class PolicyGroup {

    private final GroupKey key;
    /** Dense, reused after the group is dropped: fan-outs count per group in arrays indexed by it. */
    private final int id;
    /** The shared slices of this group's rules, and how far into each one's log this group has applied. */
    private SharedSlices[] shares = new SharedSlices[0];
    private int[] applied = new int[0];
    /** key.ports().hashCode(), once: the slice memo hashes it for every group a fan-out reaches. */
    private final int portsHash;
    private final boolean ingressIsolated;
    private final boolean egressIsolated;
    private final List<String> ingressIsolatedBy;
    private final List<String> egressIsolatedBy;
    private final Map<Integer, Map<PolicyKey, PolicyEntry>> slices = new HashMap<>();
    private final Map<Integer, Map<PolicyKey, L7Rules>> l7 = new HashMap<>();
    private int size;
    /** Members in join order; {@link #members()} is an immutable copy, made when asked after a change. */
    private final Set<String> memberSet = new LinkedHashSet<>();
    private List<String> members = List.of();
    /** memberSet.size(), on the group itself: checked for every group a delta touches. */
    private int memberCount;
    private MapState mapState;
    /** The whole state as one immutable map (what a newcomer gets), cached until a slice changes. */
    private Map<PolicyKey, PolicyEntry> whole;
    /**
     * This operation's work on the group while the operation runs, else null: found without a lookup,
     * because every group a delta touches is reached through its rules and a hash lookup per group
     * showed in profiles.
     */
    GroupWork work;

    PolicyGroup(GroupKey key, int id, EndpointCompiler.Compiled whole) {
        this.key = key;
        this.id = id;
        this.portsHash = key.ports().hashCode();
        this.ingressIsolated = EndpointCompiler.isolated(key.rules(), Direction.INGRESS);
        this.egressIsolated = EndpointCompiler.isolated(key.rules(), Direction.EGRESS);
        this.ingressIsolatedBy = DeltaBuilder.isolation(key.rules(), Direction.INGRESS);
        this.egressIsolatedBy = DeltaBuilder.isolation(key.rules(), Direction.EGRESS);
        whole.entries().forEach((k, v) -> slices.computeIfAbsent(k.remoteIdentity(), r -> new HashMap<>()).put(k, v));
        whole.l7().forEach((k, v) -> l7.computeIfAbsent(k.remoteIdentity(), r -> new HashMap<>()).put(k, v));
        size = whole.entries().size();
    }

    int id() {
        return id;
    }

    GroupKey key() {
        return key;
    }

    List<Rule> rules() {
        return key.rules();
    }

    List<NamedPort> ports() {
        return key.ports();
    }

    int portsHash() {
        return portsHash;
    }

    boolean isolated(Direction d) {
        return d == Direction.INGRESS ? ingressIsolated : egressIsolated;
    }

    List<String> isolatedBy(Direction d) {
        return d == Direction.INGRESS ? ingressIsolatedBy : egressIsolatedBy;
    }

    int size() {
        sync();
        return size;
    }

    List<String> members() {
        if (members == null) {
            members = List.copyOf(memberSet);
        }
        return members;
    }

    boolean isEmpty() {
        return memberCount == 0;
    }

    // ---- membership --------------------------------------------------------------------------------

    void join(String endpoint) {
        if (memberSet.add(endpoint)) {
            memberCount++;
        }
        membersChanged();
    }

    void leave(String endpoint) {
        if (!memberSet.remove(endpoint)) {
            throw new IllegalStateException(endpoint + " is not a member of its policy group");
        }
        memberCount--;
        membersChanged();
    }

    private void membersChanged() {
        members = null;
        for (SharedSlices s : shares) {
            s.membersChanged();
        }
    }

    /** Members except {@code moved} (those that joined in this delta and get their change as a transition). */
    List<String> membersExcept(Map<String, ?> moved) {
        List<String> out = new ArrayList<>(memberSet.size());
        for (String m : memberSet) {
            if (!moved.containsKey(m)) {
                out.add(m);
            }
        }
        return out;
    }

    // ---- shared slices -----------------------------------------------------------------------------

    /** Joins the shared slices of its rules, as up to date as they are now (the group was just compiled). */
    void share(SharedSlices[] of) {
        shares = of;
        applied = new int[of.length];
        skipPending();
    }

    SharedSlices[] shares() {
        return shares;
    }

    /** Applies the pending replacements of its shared slices it has not applied yet. */
    void sync() {
        for (int i = 0; i < shares.length; i++) {
            sync(i);
        }
    }

    /** The same for the shared slices in {@code slot} only (they alone replace the remotes they replace). */
    void sync(int slot) {
        SharedSlices s = shares[slot];
        int end = s.end();
        for (int n = applied[slot]; n < end; n++) {
            SharedSlices.Pending p = s.at(n);
            put(p.remote(), p.entries(), p.l7());
        }
        applied[slot] = end;
    }

    /** How far into the log of the shared slices in {@code slot} this group has applied. */
    int applied(int slot) {
        return applied[slot];
    }

    /** Marks every pending replacement seen without applying it: the group took this delta's changes itself. */
    void skipPending() {
        for (int i = 0; i < shares.length; i++) {
            applied[i] = shares[i].end();
        }
    }

    /** The slice of {@code remote}, which only the shared slices in {@code slot} replace. */
    Map<PolicyKey, PolicyEntry> slice(int slot, int remote) {
        sync(slot);
        return slices.getOrDefault(remote, Map.of());
    }

    // ---- slices ------------------------------------------------------------------------------------

    Map<PolicyKey, PolicyEntry> slice(int remote) {
        sync();
        return slices.getOrDefault(remote, Map.of());
    }

    /** Every slice by remote, pending replacements applied; a read-only view, valid until the next change. */
    Map<Integer, Map<PolicyKey, PolicyEntry>> slices() {
        sync();
        return Collections.unmodifiableMap(slices);
    }

    /**
     * Replaces a slice and returns the one it replaced; {@code entries} is stored as given and must
     * never be mutated afterwards.
     */
    Map<PolicyKey, PolicyEntry> replace(int remote, Map<PolicyKey, PolicyEntry> entries, Map<PolicyKey, L7Rules> l7Rules) {
        sync(); // older pending replacements first, so they never overwrite this one
        return put(remote, entries, l7Rules);
    }

    private Map<PolicyKey, PolicyEntry> put(int remote, Map<PolicyKey, PolicyEntry> entries, Map<PolicyKey, L7Rules> l7Rules) {
        Map<PolicyKey, PolicyEntry> old = entries.isEmpty() ? slices.remove(remote) : slices.put(remote, entries);
        size += entries.size() - (old == null ? 0 : old.size());
        if (l7Rules.isEmpty()) {
            if (!l7.isEmpty()) {
                l7.remove(remote);
            }
        } else {
            l7.put(remote, l7Rules);
        }
        mapState = null;
        whole = null;
        return old == null ? Map.of() : old;
    }

    // ---- views -------------------------------------------------------------------------------------

    /** The whole state as one immutable map state (cached until a slice changes; shared by the members). */
    MapState mapState() {
        sync();
        if (mapState == null) {
            mapState = MapState.of(flat());
        }
        return mapState;
    }

    /** The whole state, immutable (cached until a slice changes). */
    Map<PolicyKey, PolicyEntry> whole() {
        sync();
        if (whole == null) {
            Map.Entry<PolicyKey, PolicyEntry>[] all = newEntries(size);
            int i = 0;
            for (Map<PolicyKey, PolicyEntry> slice : slices.values()) {
                for (Map.Entry<PolicyKey, PolicyEntry> e : slice.entrySet()) {
                    all[i++] = e;
                }
            }
            whole = Map.ofEntries(all); // one table, not a flat copy and then an immutable one
        }
        return whole;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Map.Entry<PolicyKey, PolicyEntry>[] newEntries(int n) {
        return new Map.Entry[n];
    }

    Map<PolicyKey, PolicyEntry> flat() {
        sync();
        Map<PolicyKey, PolicyEntry> out = new HashMap<>(size * 2);
        slices.values().forEach(out::putAll);
        return out;
    }

    Map<PolicyKey, L7Rules> flatL7() {
        sync();
        Map<PolicyKey, L7Rules> out = new HashMap<>();
        l7.values().forEach(out::putAll);
        return out;
    }
}
