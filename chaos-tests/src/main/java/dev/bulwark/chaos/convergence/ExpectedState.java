package dev.bulwark.chaos.convergence;

import dev.bulwark.chaos.convergence.ClusterInputs.PodSpec;
import dev.bulwark.chaos.convergence.Observation.EndpointView;
import dev.bulwark.chaos.convergence.Observation.Expected;
import dev.bulwark.model.Cidr;
import dev.bulwark.model.LabelSet;
import dev.bulwark.model.NumericIdentity;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.policy.api.Policy;
import dev.bulwark.policy.compile.EndpointPolicy;
import dev.bulwark.policy.compile.EngineConfig;
import dev.bulwark.policy.compile.NamedPort;
import dev.bulwark.policy.compile.Pod;
import dev.bulwark.policy.compile.PolicyEngine;
import dev.bulwark.policy.identity.IdentityPort;
import dev.bulwark.policy.identity.PodIdentityLabels;
import dev.bulwark.policy.parse.ParsedDocument;
import dev.bulwark.policy.parse.PolicyParser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The oracle: compiles the final inputs from scratch with a fresh {@link PolicyEngine} (the distributors
 * run a long-lived incremental one fed change by change), using the identities the allocator holds for
 * the pods' label sets. Pure.
 */
public final class ExpectedState {

    private ExpectedState() {
    }

    /** Each pod's identity label set, as the distributor derives it (what to ask the allocator about). */
    public static Map<String, LabelSet> identityLabels(ClusterInputs in) {
        Map<String, LabelSet> out = new TreeMap<>();
        in.pods().forEach((k, p) -> out.put(k, PodIdentityLabels.of(p.namespace(),
                in.namespaces().getOrDefault(p.namespace(), java.util.Collections.emptySortedMap()), p.labels())));
        return out;
    }

    /**
     * @param identities the allocator's identity for each label set it knows; a pod whose set is missing
     *                   makes the expectation incomplete (named in {@link Expected#unknown()})
     */
    public static Expected compile(ClusterInputs in, Map<LabelSet, Integer> identities, EngineConfig config) {
        List<String> unknown = new ArrayList<>();
        Map<String, LabelSet> labels = identityLabels(in);
        labels.forEach((pod, set) -> {
            if (!identities.containsKey(set)) {
                unknown.add("no identity in the allocator for pod " + pod + " (" + set + ")");
            }
        });
        if (!unknown.isEmpty()) {
            return new Expected(Map.of(), Map.of(), unknown, List.of());
        }
        Map<LabelSet, Integer> current = new HashMap<>();
        labels.values().forEach(set -> current.put(set, identities.get(set)));
        // Only the current pods' identities, as the distributor's engine sees them: an identity the allocator
        // still holds for a removed pod must not be selected.
        PolicyEngine engine = new PolicyEngine(config, new Known(current));
        List<Policy> parsed = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        in.policies().forEach((file, yaml) -> {
            for (ParsedDocument d : new PolicyParser("default").parseAll(yaml)) {
                switch (d) {
                    case ParsedDocument.Accepted a -> parsed.add(a.policy());
                    case ParsedDocument.Rejected r -> rejected.add(file + ": " + r.error().getMessage());
                }
            }
        });
        engine.apply(parsed, List.of());
        in.namespaces().forEach(engine::upsertNamespace);
        for (PodSpec p : in.pods().values()) {
            engine.upsertPod(new Pod(p.namespace(), p.name(), p.labels(), Cidr.parse(p.ip() + "/32"),
                    List.of(new NamedPort("http", p.httpPort(), 6))));
        }
        Map<String, Map<String, EndpointView>> byNode = new TreeMap<>();
        in.nodes().forEach(n -> byNode.put(n, new TreeMap<>()));
        Map<String, Long> ipcache = new TreeMap<>();
        for (PodSpec p : in.pods().values()) {
            EndpointPolicy ep = engine.policyOf(p.key());
            long id = Integer.toUnsignedLong(identities.get(labels.get(p.key())));
            byNode.get(p.node()).put(p.key(), new EndpointView(id, entries(ep.installed())));
            ipcache.put(p.ip() + "/32", id);
        }
        return new Expected(byNode, ipcache, List.of(), rejected);
    }

    static TreeSet<String> entries(MapState state) {
        TreeSet<String> out = new TreeSet<>();
        for (Map.Entry<PolicyKey, PolicyEntry> e : state.entries().entrySet()) {
            out.add(Observation.entry(e.getKey(), e.getValue()));
        }
        return out;
    }

    /** The allocator's identities; the engine never allocates here (every pod's set was looked up). */
    private record Known(Map<LabelSet, Integer> byLabels) implements IdentityPort {
        @Override
        public NumericIdentity identityFor(LabelSet labels) {
            Integer id = byLabels.get(labels);
            if (id == null) {
                throw new IllegalStateException("no identity was looked up for " + labels);
            }
            return new NumericIdentity(id);
        }

        @Override
        public Map<NumericIdentity, LabelSet> known() {
            Map<NumericIdentity, LabelSet> out = new HashMap<>();
            byLabels.forEach((l, id) -> out.put(new NumericIdentity(id), l));
            return out;
        }
    }
}
