package dev.bulwark.policy.compile;

import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.policy.api.Peer;
import dev.bulwark.policy.api.PortRule;
import dev.bulwark.policy.api.Rule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a {@link ChangeSet} into a {@link PolicyDelta}, in four steps:
 * <ol>
 * <li>regroup: each endpoint whose rules, identity or ports changed joins the {@link PolicyGroup} of
 *     its new key (compiled whole when the group is new);</li>
 * <li>resolve rule marks ({@link RuleFanOut}): where one marked rule alone decides a group's slice of
 *     the identity, the slice is replaced once in the rule's {@link SharedSlices} for all such groups;
 *     the other groups holding it get per-group marks;</li>
 * <li>recompile marked slices, once per group: a slice's entries come only from the rules whose peers
 *     select its identity, and when one rule does (the usual case) the slice is that rule's key
 *     template for the identity, computed once per delta and shared by every group holding the rule;</li>
 * <li>diff once per set of groups whose slices were replaced by the same objects (their members that
 *     stayed share the change), once per group transition (endpoints that moved between the same two
 *     groups share it), and per endpoint only for overflow.</li>
 * </ol>
 * So a delta costs what the (rule, peer) pairs and groups it touches cost, not endpoints × entries.
 * Owned by one {@link PolicyEngine}; not thread-safe.
 */
final class DeltaBuilder {

    private final RuleIndex index;
    private final SelectorCache cache;
    private final EndpointCompiler compiler;
    private final EndpointCompiler.NamedPorts peerPorts;
    private final PolicyGroups groups;
    private final EngineConfig config;
    private final RuleFanOut fanOut;

    DeltaBuilder(RuleIndex index, SelectorCache cache, EndpointCompiler compiler, EndpointCompiler.NamedPorts peerPorts,
                 PolicyGroups groups, EngineConfig config) {
        this.index = index;
        this.cache = cache;
        this.compiler = compiler;
        this.peerPorts = peerPorts;
        this.groups = groups;
        this.config = config;
        this.fanOut = new RuleFanOut(groups, config.entryLimit());
    }

    private static final EndpointCompiler.Compiled NOTHING = new EndpointCompiler.Compiled(
            new TreeMap<>(KeyOrder.INSTANCE), new TreeMap<>(KeyOrder.INSTANCE));

    private record Transition(PolicyGroup from, PolicyGroup to) {
    }

    /**
     * The memo key of a one-rule slice: by rule object, isolation of its direction, remote, and the
     * group's named ports when the rule resolves named ports against them (ingress). Looked up once
     * per group a fan-out reaches, so the ports' hash is the group's, computed once when it was made
     * (re-hashing the port list per group showed in profiles).
     */
    private record OneRuleSlice(Rule rule, boolean isolated, int remote, List<NamedPort> ports, int portsHash) {
        @Override
        public boolean equals(Object o) {
            return o instanceof OneRuleSlice k && k.rule == rule && k.isolated == isolated && k.remote == remote
                    && k.portsHash == portsHash && k.ports.equals(ports);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * (31 * System.identityHashCode(rule) + remote) + portsHash) + (isolated ? 1 : 0);
        }
    }

    record Diff(Map<PolicyKey, PolicyEntry> upserts, Set<PolicyKey> removals) {
        boolean isEmpty() {
            return upserts.isEmpty() && removals.isEmpty();
        }
    }

    PolicyDelta build(ChangeSet changes, Map<String, EndpointState> endpoints) {
        Map<String, EndpointDelta> individual = new TreeMap<>();
        List<EngineEvent> events = new ArrayList<>();
        for (String ep : changes.deleted) {
            individual.put(ep, new EndpointDelta(ep, Map.of(), Set.of(), true));
        }
        Set<PolicyGroup> vacated = new LinkedHashSet<>(changes.vacated);

        // 1. regroup
        Map<String, PolicyGroup> movedFrom = new LinkedHashMap<>();
        Set<PolicyGroup> joined = new HashSet<>();
        Set<PolicyGroup> created = new HashSet<>();
        for (String ep : changes.full) {
            EndpointState s = endpoints.get(ep);
            if (s == null) {
                continue;
            }
            List<Rule> rules = index.rulesFor(s.identity().value());
            GroupKey key = new GroupKey(rules, s.ports());
            PolicyGroup g = groups.get(key);
            if (g == null) {
                g = groups.create(key, compiler.compile(key.rules(), key.ports(), cache, peerPorts, null));
                created.add(g);
                fanOut.sized(g.size());
            }
            PolicyGroup old = s.group();
            if (old == g) {
                continue;
            }
            if (old != null) {
                old.leave(ep);
                vacated.add(old);
            }
            g.join(ep);
            joined.add(g);
            s.group(g);
            movedFrom.put(ep, old);
        }

        // 2. rule marks: shared slices where one rule decides, per-group marks elsewhere
        Map<OneRuleSlice, EndpointCompiler.Compiled> memo = new HashMap<>();
        List<PolicyGroup> handled = new ArrayList<>(joined);
        handled.addAll(vacated);
        for (PolicyGroup g : movedFrom.values()) {
            if (g != null) {
                handled.add(g);
            }
        }
        List<PolicyDelta.SharedChange> shared = new ArrayList<>(fanOut.resolve(changes, handled, created,
                (s, remote) -> cache.contains(remote) && selects(s.rule, remote)
                        ? selectedOneRuleSlice(s.rule, s.isolated, s.ports, s.portsHash, remote, memo) : null));

        // 3. recompile marked slices, in one pass per group; groups changed alike share one diff
        int limit = config.entryLimit();
        Map<Signature, List<String>> alike = new LinkedHashMap<>();
        List<GroupWork> overflowing = new ArrayList<>();
        for (GroupWork w : changes.groups) {
            PolicyGroup g = w.group;
            if (g.isEmpty()) {
                continue; // dropped below
            }
            w.sizeBefore = g.size();
            for (GroupWork.Mark m : w.marks) {
                EndpointCompiler.Compiled c = slice(g, m.remote, m.rules, memo);
                m.before = g.replace(m.remote, c.entries(), c.l7());
                m.after = c.entries();
            }
            fanOut.sized(g.size());
            if (w.sizeBefore > limit || g.size() > limit) {
                overflowing.add(w);
                continue;
            }
            List<String> stayed = joined.contains(g) ? g.membersExcept(movedFrom) : g.members();
            if (!stayed.isEmpty()) {
                alike.computeIfAbsent(new Signature(w.marks), k -> new ArrayList<>()).addAll(stayed);
            }
        }

        // 4. transitions: endpoints that moved between the same two groups share one diff. Decided only
        // now: a group's size after its slices were recompiled says whether a newcomer fits.
        Map<Transition, List<String>> transitions = new LinkedHashMap<>();
        for (Map.Entry<String, PolicyGroup> e : movedFrom.entrySet()) {
            EndpointState s = endpoints.get(e.getKey());
            if (s.frozen() == null && s.group().size() <= limit) {
                s.installGroupState();
                transitions.computeIfAbsent(new Transition(e.getValue(), s.group()), k -> new ArrayList<>()).add(e.getKey());
            }
        }

        // 5. the diffs (transitions read the slices groups had before step 3), then overflow per endpoint
        transitions.forEach((t, eps) -> {
            Diff d = diff(t.from() == null ? null : t.from().work, t.from(), t.to());
            if (!d.isEmpty()) {
                shared.add(new PolicyDelta.SharedChange(eps, d.upserts(), d.removals()));
            }
        });
        alike.forEach((sig, eps) -> {
            Diff d = sig.diff();
            if (!d.isEmpty()) {
                shared.add(new PolicyDelta.SharedChange(eps, d.upserts(), d.removals()));
            }
        });
        for (Map.Entry<String, PolicyGroup> e : movedFrom.entrySet()) {
            EndpointState s = endpoints.get(e.getKey());
            if (s.frozen() != null || s.group().size() > limit) {
                individually(s, e.getValue(), individual, events);
            }
        }
        for (GroupWork w : overflowing) {
            List<String> stayed = joined.contains(w.group) ? w.group.membersExcept(movedFrom) : w.group.members();
            for (String ep : stayed) {
                individually(endpoints.get(ep), w.group, individual, events);
            }
        }
        for (PolicyGroup g : vacated) {
            groups.dropIfEmpty(g);
        }
        changes.done();
        for (GroupWork w : changes.groups) {
            groups.dropIfEmpty(w.group);
        }
        return new PolicyDelta(individual, shared, events);
    }

    /**
     * What a delta did to a group's slices, compared by slice object: groups whose slices were
     * replaced by the same objects (shared through the slice memo) changed the same way.
     */
    private static final class Signature {
        private final int[] remotes;
        private final Object[] befores;
        private final Object[] afters;
        private final int hash;

        Signature(List<GroupWork.Mark> marks) {
            remotes = new int[marks.size()];
            befores = new Object[marks.size()];
            afters = new Object[marks.size()];
            int h = 1;
            for (int i = 0; i < marks.size(); i++) {
                GroupWork.Mark m = marks.get(i);
                remotes[i] = m.remote;
                befores[i] = m.before;
                afters[i] = m.after;
                h = 31 * (31 * (31 * h + m.remote) + System.identityHashCode(m.before)) + System.identityHashCode(m.after);
            }
            hash = h;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Signature x) || x.hash != hash || !Arrays.equals(x.remotes, remotes)) {
                return false;
            }
            for (int i = 0; i < remotes.length; i++) {
                if (x.befores[i] != befores[i] || x.afters[i] != afters[i]) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @SuppressWarnings("unchecked")
        Diff diff() {
            Map<PolicyKey, PolicyEntry> upserts = new HashMap<>();
            Set<PolicyKey> removals = new HashSet<>();
            for (int i = 0; i < remotes.length; i++) {
                DeltaBuilder.diff((Map<PolicyKey, PolicyEntry>) befores[i], (Map<PolicyKey, PolicyEntry>) afters[i], upserts, removals);
            }
            // A remote marked twice (removed and re-added) may appear in both: the last word wins.
            removals.removeAll(upserts.keySet());
            return new Diff(upserts, removals);
        }
    }

    private EndpointCompiler.Compiled slice(PolicyGroup g, int remote, List<Rule> changed,
                                            Map<OneRuleSlice, EndpointCompiler.Compiled> memo) {
        if (changed == null || remote == 0) {
            return compiler.compile(g.rules(), g.ports(), cache, peerPorts, remote);
        }
        if (!cache.contains(remote)) {
            return NOTHING; // the identity is gone: no selector selects it, no entry is keyed on it
        }
        // The marks name every rule whose peers gained or lost the identity in this operation, so they
        // include every rule of the group that selects it now. One rule (the usual case): its slice is
        // the same in every group with the same isolation (and named ports, if it resolves its own).
        if (changed.size() == 1) {
            Rule r = changed.getFirst();
            boolean own = PolicyGroups.dependsOnOwnPorts(r);
            return oneRuleSlice(r, g.isolated(r.direction()), own ? g.ports() : List.of(), own ? g.portsHash() : 1, remote, memo);
        }
        List<Rule> selecting = new ArrayList<>(changed.size());
        for (Rule r : changed) {
            if (selects(r, remote)) {
                selecting.add(r);
            }
        }
        return compiler.compileSlice(selecting, g.isolated(Direction.INGRESS), g.isolated(Direction.EGRESS), g.ports(),
                cache, peerPorts, remote);
    }

    private boolean selects(Rule r, int remote) {
        for (Peer p : r.peers()) {
            if (!p.selector().isWildcard() && cache.selected(p.selector()).contains(remote)) {
                return true;
            }
        }
        return false;
    }

    /** The slice of {@code remote} when {@code r} is the only rule of a group selecting it (memoised per delta). */
    private EndpointCompiler.Compiled oneRuleSlice(Rule r, boolean isolated, List<NamedPort> ports, int portsHash, int remote,
                                                  Map<OneRuleSlice, EndpointCompiler.Compiled> memo) {
        if (!cache.contains(remote)) {
            return NOTHING; // the identity is gone: no selector selects it, no entry is keyed on it
        }
        return memo.computeIfAbsent(new OneRuleSlice(r, isolated, remote, ports, portsHash),
                k -> compiler.compileSlice(selects(r, remote) ? List.of(r) : List.of(), isolated, isolated, ports,
                        cache, peerPorts, remote));
    }

    /** The same for a known identity {@code r} is known to select (checked once, not again in the memo). */
    private EndpointCompiler.Compiled selectedOneRuleSlice(Rule r, boolean isolated, List<NamedPort> ports, int portsHash, int remote,
                                                          Map<OneRuleSlice, EndpointCompiler.Compiled> memo) {
        return memo.computeIfAbsent(new OneRuleSlice(r, isolated, remote, ports, portsHash),
                k -> compiler.compileSlice(List.of(r), isolated, isolated, ports, cache, peerPorts, remote));
    }

    /** An endpoint whose installed state is not its group's before or after: overflow and recovery. */
    private void individually(EndpointState s, PolicyGroup from, Map<String, EndpointDelta> individual, List<EngineEvent> events) {
        boolean was = s.frozen() != null;
        GroupWork w = from == null ? null : from.work;
        Map<PolicyKey, PolicyEntry> before = was ? s.frozen() : from == null ? Map.of() : w != null ? w.flatBefore() : from.flat();
        PolicyGroup now = s.group();
        Map<PolicyKey, PolicyEntry> after;
        if (now.size() <= config.entryLimit()) {
            s.installGroupState();
            after = now.flat();
            if (was) {
                events.add(new EngineEvent.Recovered(s.name(), now.size()));
            }
        } else {
            if (config.overflowMode() == OverflowMode.LOCKDOWN || !s.everInstalled()) {
                s.freeze(Map.of());
            } else if (!was) {
                s.freeze(before); // the last good state
            }
            after = s.frozen();
            if (!was) {
                events.add(new EngineEvent.Overflow(s.name(), now.size(), config.entryLimit(), config.overflowMode()));
            }
        }
        Diff d = diff(before, after, new HashMap<>(), new HashSet<>());
        if (!d.isEmpty()) {
            individual.put(s.name(), new EndpointDelta(s.name(), d.upserts(), d.removals(), false));
        }
    }

    /** From {@code from}'s state before this delta (nothing if null) to {@code to}'s state now. */
    private static Diff diff(GroupWork fromWork, PolicyGroup from, PolicyGroup to) {
        if (from == null) {
            return new Diff(to.whole(), Set.of()); // a new endpoint: all of it (immutable: the shared change keeps it)
        }
        // Each remote of either group (and of the slices this delta replaced in the old one) once, from
        // the two slice tables read once: no union set of boxed remotes, no pending-replacement check
        // per slice read (a relabel moves an endpoint between two groups of ~1,000 remotes each).
        Map<PolicyKey, PolicyEntry> upserts = new HashMap<>();
        Set<PolicyKey> removals = new HashSet<>();
        Map<Integer, Map<PolicyKey, PolicyEntry>> now = to.slices();
        Map<Integer, Map<PolicyKey, PolicyEntry>> was = from.slices();
        for (Map.Entry<Integer, Map<PolicyKey, PolicyEntry>> e : now.entrySet()) {
            diff(before(fromWork, was, e.getKey()), e.getValue(), upserts, removals);
        }
        for (Integer r : was.keySet()) {
            if (!now.containsKey(r)) {
                diff(before(fromWork, was, r), Map.of(), upserts, removals);
            }
        }
        if (fromWork != null) {
            for (GroupWork.Mark m : fromWork.marks) {
                if (!now.containsKey(m.remote) && !was.containsKey(m.remote)) {
                    diff(before(fromWork, was, m.remote), Map.of(), upserts, removals);
                }
            }
        }
        return new Diff(upserts, removals);
    }

    /** The old group's slice of {@code remote} before this delta: a replaced one, else the one it holds. */
    private static Map<PolicyKey, PolicyEntry> before(GroupWork fromWork, Map<Integer, Map<PolicyKey, PolicyEntry>> was, int remote) {
        if (fromWork != null) {
            for (GroupWork.Mark m : fromWork.marks) {
                if (m.remote == remote && m.before != null) {
                    return m.before;
                }
            }
        }
        return was.getOrDefault(remote, Map.of());
    }

    static Diff diff(Map<PolicyKey, PolicyEntry> before, Map<PolicyKey, PolicyEntry> after,
                             Map<PolicyKey, PolicyEntry> upserts, Set<PolicyKey> removals) {
        if (before == after) {
            return new Diff(upserts, removals);
        }
        for (Map.Entry<PolicyKey, PolicyEntry> e : after.entrySet()) {
            if (!Objects.equals(before.get(e.getKey()), e.getValue())) {
                upserts.put(e.getKey(), e.getValue());
            }
        }
        for (PolicyKey k : before.keySet()) {
            if (!after.containsKey(k)) {
                removals.add(k);
            }
        }
        return new Diff(upserts, removals);
    }

    /** The rules that make the endpoint default-deny in {@code d}, as traces name them. */
    static List<String> isolation(List<Rule> rules, Direction d) {
        Set<String> out = new LinkedHashSet<>();
        for (Rule r : rules) {
            if (r.direction() == d && r.isolates()) {
                out.add(r.describe());
            }
        }
        return List.copyOf(out);
    }
}
