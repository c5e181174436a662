package dev.bulwark.policy.compile;

import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.policy.api.L7Rules;
import dev.bulwark.policy.api.Rule;
import java.util.ArrayList;
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
 * delta, so the group itself holds only its state and members. Owned by one {@link PolicyEngine};
 * not thread-safe.
 */
final class PolicyGroup {

    private final GroupKey key;
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
    /**
     * This operation's work on the group while the operation runs, else null: found without a lookup,
     * because every group a delta touches is reached through its rules and a hash lookup per group
     * showed in profiles.
     */
    GroupWork work;

    PolicyGroup(GroupKey key, EndpointCompiler.Compiled whole) {
        this.key = key;
        this.portsHash = key.ports().hashCode();
        this.ingressIsolated = EndpointCompiler.isolated(key.rules(), Direction.INGRESS);
        this.egressIsolated = EndpointCompiler.isolated(key.rules(), Direction.EGRESS);
        this.ingressIsolatedBy = DeltaBuilder.isolation(key.rules(), Direction.INGRESS);
        this.egressIsolatedBy = DeltaBuilder.isolation(key.rules(), Direction.EGRESS);
        whole.entries().forEach((k, v) -> slices.computeIfAbsent(k.remoteIdentity(), r -> new HashMap<>()).put(k, v));
        whole.l7().forEach((k, v) -> l7.computeIfAbsent(k.remoteIdentity(), r -> new HashMap<>()).put(k, v));
        size = whole.entries().size();
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
        members = null;
    }

    void leave(String endpoint) {
        if (!memberSet.remove(endpoint)) {
            throw new IllegalStateException(endpoint + " is not a member of its policy group");
        }
        memberCount--;
        members = null;
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

    // ---- slices ------------------------------------------------------------------------------------

    Map<PolicyKey, PolicyEntry> slice(int remote) {
        return slices.getOrDefault(remote, Map.of());
    }

    Set<Integer> remotes() {
        return slices.keySet();
    }

    /**
     * Replaces a slice and returns the one it replaced; {@code entries} is stored as given and must
     * never be mutated afterwards.
     */
    Map<PolicyKey, PolicyEntry> replace(int remote, Map<PolicyKey, PolicyEntry> entries, Map<PolicyKey, L7Rules> l7Rules) {
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
        return old == null ? Map.of() : old;
    }

    // ---- views -------------------------------------------------------------------------------------

    /** The whole state as one immutable map state (cached until a slice changes; shared by the members). */
    MapState mapState() {
        if (mapState == null) {
            mapState = MapState.of(flat());
        }
        return mapState;
    }

    Map<PolicyKey, PolicyEntry> flat() {
        Map<PolicyKey, PolicyEntry> out = new HashMap<>(size * 2);
        slices.values().forEach(out::putAll);
        return out;
    }

    Map<PolicyKey, L7Rules> flatL7() {
        Map<PolicyKey, L7Rules> out = new HashMap<>();
        l7.values().forEach(out::putAll);
        return out;
    }
}
