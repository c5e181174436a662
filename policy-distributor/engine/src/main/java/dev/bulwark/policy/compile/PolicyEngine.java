package dev.bulwark.policy.compile;

import dev.bulwark.model.Cidr;
import dev.bulwark.model.Label;
import dev.bulwark.model.LabelSet;
import dev.bulwark.model.NumericIdentity;
import dev.bulwark.model.ReservedIdentity;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.policy.api.IdentityLabels;
import dev.bulwark.policy.api.Peer;
import dev.bulwark.policy.api.Policy;
import dev.bulwark.policy.api.PolicyRef;
import dev.bulwark.policy.api.Rule;
import dev.bulwark.policy.api.Selector;
import dev.bulwark.policy.identity.CidrIdentities;
import dev.bulwark.policy.identity.IdentityPort;
import dev.bulwark.policy.identity.PodIdentityLabels;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The incremental policy engine: policies, namespaces and pods in; per-endpoint map state and deltas
 * out. Endpoints selected by the same rules with the same named ports share one compiled state (a
 * {@link PolicyGroup}). Every operation marks what it affects (endpoints whose rules, identity or ports
 * changed are regrouped; groups holding a rule whose peers gained or lost an identity recompile that
 * identity's slice), recompiles only that, and returns the difference to what was installed, shared
 * by the endpoints of a group. The result always equals a full recompute (a simulation test holds it
 * to that).
 *
 * <p>Concurrency: none. One owner thread calls it (the distributor's event loop, or a CLI command);
 * it is not thread-safe. Pure: no I/O, no clock.
 */
public final class PolicyEngine {

    private final EngineConfig config;
    private final IdentityPort identityPort;
    private final EndpointCompiler compiler;
    private final SelectorCache cache = new SelectorCache();
    private final RuleIndex index = new RuleIndex(cache);
    private final CidrBook cidrs = new CidrBook();
    private final Ipcache ipcache = new Ipcache();
    private final Map<String, Map<String, String>> namespaces = new HashMap<>();
    /** Per namespace, the identity labels all its pods share (validated once, not per pod). */
    private final Map<String, List<Label>> namespaceParts = new HashMap<>();
    private final Map<String, Pod> pods = new TreeMap<>();
    private final Map<String, EndpointState> endpoints = new TreeMap<>();
    private final Map<Integer, Set<String>> endpointsByIdentity = new HashMap<>();
    private final Map<Integer, Integer> identityUsers = new HashMap<>();
    private final TreeMap<NamedPort, Integer> allPorts = new TreeMap<>();
    private final PolicyGroups groups = new PolicyGroups();
    private ChangeSet changes = new ChangeSet();
    private final DeltaBuilder deltas;

    public PolicyEngine(EngineConfig config, IdentityPort identityPort) {
        this.config = config;
        this.identityPort = identityPort;
        this.compiler = new EndpointCompiler(config);
        this.deltas = new DeltaBuilder(index, cache, compiler, this::portsOf, groups, config);
        for (ReservedIdentity r : ReservedIdentity.values()) {
            List<Label> extra = r == ReservedIdentity.WORLD
                    ? List.of(new Label(Label.SOURCE_CIDR, "0.0.0.0/0", ""), new Label(Label.SOURCE_CIDR, "::/0", ""))
                    : List.of();
            cache.addIdentity(r.id(), new IdentityLabels(r.labels(), extra));
        }
    }

    public EngineConfig config() {
        return config;
    }

    // ---- inputs --------------------------------------------------------------------------------

    /** Adds or replaces policies and removes others, as one step: the delta covers all of it. */
    public PolicyDelta apply(Collection<Policy> upserts, Collection<PolicyRef> removals) {
        for (PolicyRef ref : removals) {
            Policy old = index.policies().get(ref);
            if (old != null) {
                markSubjects(old); // before its selectors leave the cache
                index.remove(ref);
                releaseCidrs(old);
            }
        }
        for (Policy p : upserts) {
            Policy old = index.policies().get(p.ref());
            if (old != null) {
                markSubjects(old);
            }
            for (Rule r : p.rules()) {
                for (Peer peer : r.peers()) {
                    peer.cidrs().forEach(this::useCidr);
                }
            }
            index.put(p);
            if (old != null) {
                releaseCidrs(old);
            }
            markSubjects(p);
        }
        return flush();
    }

    private void releaseCidrs(Policy old) {
        for (Rule r : old.rules()) {
            for (Peer peer : r.peers()) {
                peer.cidrs().forEach(this::releaseCidr);
            }
        }
    }

    /** Sets a namespace's labels; every pod in it is relabelled. */
    public PolicyDelta upsertNamespace(String name, Map<String, String> labels) {
        List<Label> part = PodIdentityLabels.namespacePart(name, labels); // validates before anything changes
        namespaces.put(name, Map.copyOf(labels));
        namespaceParts.put(name, part);
        for (Pod p : List.copyOf(pods.values())) {
            if (p.namespace().equals(name)) {
                detach(p);
                attach(p);
            }
        }
        return flush();
    }

    /** Adds or replaces a pod (labels, IP and named ports may all change). */
    public PolicyDelta upsertPod(Pod pod) {
        Pod old = pods.get(pod.key());
        if (old != null) {
            detach(old);
        }
        pods.put(pod.key(), pod);
        attach(pod);
        return flush();
    }

    public PolicyDelta removePod(String namespace, String name) {
        Pod old = pods.remove(namespace + "/" + name);
        if (old != null) {
            detach(old);
            EndpointState gone = endpoints.remove(old.key());
            changes.deleted.add(old.key());
            changes.full.remove(old.key());
            if (gone == null) {
                throw new IllegalStateException("pod without endpoint: " + old.key());
            }
            if (gone.group() != null) {
                gone.group().leave(old.key());
                changes.vacated.add(gone.group());
            }
        }
        return flush();
    }

    /** An identity with no pod here (another cluster's, say) that selectors should still see. */
    public PolicyDelta addIdentity(NumericIdentity id, LabelSet labels) {
        useIdentity(id.value(), labels);
        return flush();
    }

    public PolicyDelta removeIdentity(NumericIdentity id) {
        releaseIdentity(id.value());
        return flush();
    }

    // ---- outputs -------------------------------------------------------------------------------

    public EndpointPolicy policyOf(String endpoint) {
        EndpointState s = endpoints.get(endpoint);
        return s == null ? null : s.snapshot();
    }

    public List<String> endpoints() {
        return List.copyOf(endpoints.keySet());
    }

    public Ipcache ipcache() {
        return ipcache.copy();
    }

    public Map<PolicyRef, Policy> policies() {
        return index.policies();
    }

    public Map<Integer, IdentityLabels> identities() {
        return cache.identities();
    }

    /** Distinct compiled states: endpoints with the same rules and named ports share one. */
    public int groupCount() {
        return groups.size();
    }

    public int selectorCount() {
        return cache.selectorCount();
    }

    /** The rules selecting {@code identity} via the subject index. */
    public List<Rule> rulesFor(int identity) {
        return index.rulesFor(identity);
    }

    /** The same, by scanning every rule: the baseline benchmarks compare against. */
    public List<Rule> rulesForByScan(int identity) {
        return index.rulesForByScan(cache.identities().get(identity));
    }

    /** Compiles one identity's endpoint map from scratch without touching state (benchmarks, traces). */
    public EndpointCompiler.Compiled resolve(int identity, List<NamedPort> ownPorts) {
        return compiler.compile(index.lookup(identity), ownPorts, cache, this::portsOf, null);
    }

    /** As {@link #resolve} but finding the rules by a full scan (the naive baseline). */
    public EndpointCompiler.Compiled resolveByScan(int identity, List<NamedPort> ownPorts) {
        return compiler.compile(rulesForByScan(identity), ownPorts, cache, this::portsOf, null);
    }

    // ---- internals -----------------------------------------------------------------------------

    private void attach(Pod pod) {
        List<Label> part = namespaceParts.computeIfAbsent(pod.namespace(), ns -> PodIdentityLabels.namespacePart(ns, Map.of()));
        LabelSet labels = PodIdentityLabels.of(part, pod.labels());
        int id = identityPort.identityFor(labels).value();
        useIdentity(id, labels);
        EndpointState state = endpoints.computeIfAbsent(pod.key(), EndpointState::new);
        state.bind(NumericIdentity.of(id), pod.ports());
        endpointsByIdentity.computeIfAbsent(id, k -> new TreeSet<>()).add(pod.key());
        changes.full.add(pod.key());
        changes.deleted.remove(pod.key());
        if (pod.ip() != null) {
            ipcache.put(pod.ip(), id);
        }
        portsChanged(id, pod.ports(), +1);
    }

    private void detach(Pod pod) {
        EndpointState state = endpoints.get(pod.key());
        int id = state.identity().value();
        Set<String> eps = endpointsByIdentity.get(id);
        eps.remove(pod.key());
        if (eps.isEmpty()) {
            endpointsByIdentity.remove(id);
        }
        if (pod.ip() != null) {
            ipcache.remove(pod.ip());
        }
        portsChanged(id, pod.ports(), -1);
        releaseIdentity(id);
    }

    private void portsChanged(int id, List<NamedPort> ports, int sign) {
        if (ports.isEmpty()) {
            return;
        }
        for (NamedPort p : ports) {
            allPorts.merge(p, sign, Integer::sum);
            if (allPorts.get(p) == 0) {
                allPorts.remove(p);
            }
        }
        // Egress named ports resolve against the peer's ports: the slices keyed on this identity, and
        // identity 0 (the union) in endpoints with wildcard egress rules, may change. Without such
        // rules nothing can (and scanning the selectors of the identity's namespace is not free).
        if (!index.anyEgressNamedPorts()) {
            return;
        }
        if (cache.identities().containsKey(id)) {
            markPeersOf(id);
        }
        for (Rule r : index.wildcardRules()) {
            if (RuleIndex.egressNamedPorts(r)) {
                markGroups(r, 0, null);
            }
        }
    }

    private List<NamedPort> portsOf(int identity) {
        if (identity == 0) {
            return List.copyOf(allPorts.keySet());
        }
        Set<String> eps = endpointsByIdentity.get(identity);
        if (eps == null) {
            return List.of();
        }
        Set<NamedPort> out = new TreeSet<>();
        for (String ep : eps) {
            out.addAll(pods.get(ep).ports());
        }
        return List.copyOf(out);
    }

    private void useIdentity(int id, LabelSet labels) {
        if (identityUsers.merge(id, 1, Integer::sum) > 1) {
            return;
        }
        IdentityLabels view = new IdentityLabels(labels);
        List<Selector> changed = cache.addIdentity(id, view);
        index.identityAdded(id, changed);
        fanOut(id, changed);
    }

    private void releaseIdentity(int id) {
        int left = identityUsers.merge(id, -1, Integer::sum);
        if (left > 0) {
            return;
        }
        identityUsers.remove(id);
        List<Selector> changed = cache.removeIdentity(id);
        index.identityRemoved(id);
        fanOut(id, changed);
    }

    private void useCidr(Cidr cidr) {
        cidrs.use(cidr).ifPresent(id -> {
            ipcache.put(cidr, id);
            useIdentity(id, CidrIdentities.labels(cidr));
        });
    }

    private void releaseCidr(Cidr cidr) {
        cidrs.release(cidr).ifPresent(id -> {
            ipcache.remove(cidr);
            releaseIdentity(id);
        });
    }

    /** The identity's selections changed: its slice in every endpoint with a rule whose peer is affected. */
    private void fanOut(int id, List<Selector> changed) {
        for (Selector s : changed) {
            for (Rule r : index.rulesWithPeer(s)) {
                markGroups(r, id, r);
            }
        }
        for (String ep : endpointsByIdentity.getOrDefault(id, Set.of())) {
            changes.full.add(ep);
        }
    }

    /** The peer ports of {@code id} changed: only egress rules with named ports resolve against them. */
    private void markPeersOf(int id) {
        for (Selector sel : cache.selecting(id)) {
            for (Rule r : index.rulesWithPeer(sel)) {
                if (RuleIndex.egressNamedPorts(r)) {
                    markGroups(r, id, null); // whole slice: the marks are not every rule selecting id
                }
            }
        }
    }

    /**
     * The slice of {@code remote} in every policy group holding {@code r} (so in every endpoint the rule
     * selects) must be recompiled; {@code changed} is the rule whose peer gained or lost it, or null
     * when the whole slice must be (identity 0: it depends on every wildcard rule).
     */
    private void markGroups(Rule r, int remote, Rule changed) {
        if (changed != null && remote != 0) {
            changes.rules.add(new ChangeSet.RuleMark(r, remote)); // its groups are found when the delta is built
            return;
        }
        for (PolicyGroup g : groups.withRule(r)) {
            changes.work(g).mark(remote, changed);
        }
    }

    private void markSubjects(Policy p) {
        for (Rule r : p.rules()) {
            for (int subject : cache.selected(r.subject())) {
                changes.full.addAll(endpointsByIdentity.getOrDefault(subject, Set.of()));
            }
        }
    }

    private PolicyDelta flush() {
        PolicyDelta delta = deltas.build(changes, endpoints);
        changes = new ChangeSet();
        return delta;
    }
}
