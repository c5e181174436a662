package dev.bulwark.policy.compile;

import dev.bulwark.model.Cidr;
import dev.bulwark.model.Label;
import dev.bulwark.model.LabelSet;
import dev.bulwark.model.NumericIdentity;
import dev.bulwark.model.ReservedIdentity;
import dev.bulwark.model.identity.LocalIdentityAllocator;
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
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The incremental policy engine: policies, namespaces and pods in; per-endpoint map state and deltas
 * out. Every operation marks what it affects (whole endpoints whose rules changed, or the slice of one
 * remote identity in endpoints whose peers gained or lost it), recompiles only that, and returns the
 * difference to what was installed. The result always equals a full recompute (a simulation test
 * holds it to that).
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
    private final LocalIdentityAllocator localIdentities = new LocalIdentityAllocator();
    private final Map<Cidr, Integer> cidrIdentity = new HashMap<>();
    private final Ipcache ipcache = new Ipcache();
    private final Map<String, Map<String, String>> namespaces = new HashMap<>();
    private final Map<String, Pod> pods = new TreeMap<>();
    private final Map<String, EndpointState> endpoints = new TreeMap<>();
    private final Map<Integer, Set<String>> endpointsByIdentity = new HashMap<>();
    private final Map<Integer, Integer> identityUsers = new HashMap<>();
    private final Map<Cidr, Integer> cidrUsers = new HashMap<>();
    private final TreeMap<NamedPort, Integer> allPorts = new TreeMap<>();
    private final Changes changes = new Changes();

    public PolicyEngine(EngineConfig config, IdentityPort identityPort) {
        this.config = config;
        this.identityPort = identityPort;
        this.compiler = new EndpointCompiler(config);
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
        namespaces.put(name, Map.copyOf(labels));
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
            changes.slices.remove(old.key());
            if (gone == null) {
                throw new IllegalStateException("pod without endpoint: " + old.key());
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
        LabelSet labels = PodIdentityLabels.of(pod.namespace(), namespaces.getOrDefault(pod.namespace(), Map.of()), pod.labels());
        int id = identityPort.identityFor(labels).value();
        useIdentity(id, labels);
        EndpointState state = endpoints.computeIfAbsent(pod.key(), k -> new EndpointState(k, config));
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
        // identity 0 (the union) in endpoints with wildcard egress rules, may change.
        if (cache.identities().containsKey(id)) {
            markPeersOf(id);
        }
        for (Rule r : index.wildcardRules()) {
            if (r.direction() == Direction.EGRESS && r.ports().stream().anyMatch(p -> p.isNamed())) {
                markSubjectSlices(r, 0);
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
        if (cidrUsers.merge(cidr, 1, Integer::sum) == 1) {
            LabelSet labels = CidrIdentities.labels(cidr);
            int id = localIdentities.allocate(labels).value();
            cidrIdentity.put(cidr, id);
            ipcache.put(cidr, id);
            useIdentity(id, labels);
        }
    }

    private void releaseCidr(Cidr cidr) {
        if (cidrUsers.merge(cidr, -1, Integer::sum) == 0) {
            cidrUsers.remove(cidr);
            ipcache.remove(cidr);
            int id = cidrIdentity.remove(cidr);
            releaseIdentity(id);
            localIdentities.release(NumericIdentity.of(id));
        }
    }

    /** The identity's selections changed: its slice in every endpoint with a rule whose peer is affected. */
    private void fanOut(int id, List<Selector> changed) {
        for (Selector s : changed) {
            for (Rule r : index.rulesWithPeer(s)) {
                markSubjectSlices(r, id);
            }
        }
        for (String ep : endpointsByIdentity.getOrDefault(id, Set.of())) {
            changes.full.add(ep);
        }
    }

    private void markPeersOf(int id) {
        for (Selector sel : cache.selecting(id)) {
            for (Rule r : index.rulesWithPeer(sel)) {
                markSubjectSlices(r, id);
            }
        }
    }

    private void markSubjectSlices(Rule r, int remote) {
        for (int subject : cache.selected(r.subject())) {
            for (String ep : endpointsByIdentity.getOrDefault(subject, Set.of())) {
                changes.slices.computeIfAbsent(ep, k -> new LinkedHashSet<>()).add(remote);
            }
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
        Map<String, EndpointDelta> deltas = new TreeMap<>();
        List<EngineEvent> events = new ArrayList<>();
        for (String ep : changes.deleted) {
            deltas.put(ep, new EndpointDelta(ep, Map.of(), Set.of(), true));
        }
        // Endpoints of one identity with the same named ports (replicas) compile to the same state:
        // compile once per flush and share the result.
        Map<List<Object>, EndpointCompiler.Compiled> compiled = new HashMap<>();
        for (String ep : changes.full) {
            EndpointState s = endpoints.get(ep);
            if (s == null) {
                continue;
            }
            List<Rule> rules = index.rulesFor(s.identity().value());
            EndpointCompiler.Compiled c = compiled.computeIfAbsent(List.of(s.identity().value(), s.ports()),
                    k -> compiler.compile(rules, s.ports(), cache, this::portsOf, null));
            s.replaceAll(c, isolation(rules, Direction.INGRESS), isolation(rules, Direction.EGRESS), deltas, events);
        }
        for (Map.Entry<String, Set<Integer>> e : changes.slices.entrySet()) {
            EndpointState s = endpoints.get(e.getKey());
            if (s == null || changes.full.contains(e.getKey())) {
                continue;
            }
            List<Rule> rules = index.rulesFor(s.identity().value());
            for (int remote : e.getValue()) {
                EndpointCompiler.Compiled c = compiled.computeIfAbsent(List.of(s.identity().value(), s.ports(), remote),
                        k -> compiler.compile(rules, s.ports(), cache, this::portsOf, remote));
                s.replaceSlice(remote, c, deltas, events);
            }
        }
        changes.clear();
        deltas.values().removeIf(EndpointDelta::isEmpty);
        return new PolicyDelta(deltas, events);
    }

    private static List<String> isolation(List<Rule> rules, Direction d) {
        Set<String> out = new LinkedHashSet<>();
        for (Rule r : rules) {
            if (r.direction() == d && r.isolates()) {
                out.add(r.describe());
            }
        }
        return List.copyOf(out);
    }

    /** What the current operation touched. */
    private static final class Changes {
        final Set<String> full = new TreeSet<>();
        final Map<String, Set<Integer>> slices = new TreeMap<>();
        final Set<String> deleted = new TreeSet<>();

        void clear() {
            full.clear();
            slices.clear();
            deleted.clear();
        }
    }
}
