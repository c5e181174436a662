package dev.bulwark.policy.distribution.pipeline;

import dev.bulwark.model.Cidr;
import dev.bulwark.model.LabelSet;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.policy.api.Policy;
import dev.bulwark.policy.api.PolicyRef;
import dev.bulwark.policy.compile.EndpointPolicy;
import dev.bulwark.policy.compile.EngineConfig;
import dev.bulwark.policy.compile.NamedPort;
import dev.bulwark.policy.compile.Pod;
import dev.bulwark.policy.compile.PolicyEngine;
import dev.bulwark.policy.distribution.source.KubeObject;
import dev.bulwark.policy.parse.ParsedDocument;
import dev.bulwark.policy.parse.PolicyParser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link PolicyCompilation} by one long-lived {@link PolicyEngine} fed only what changed since the last
 * call (policies added, changed or removed; namespace labels; pods), so a change costs what the engine's
 * incremental compiler needs rather than a rebuild. Its output equals {@link EngineCompilation}'s full
 * rebuild for the same input ({@code IncrementalCompilationSimulationTest}). Stateful and not thread-safe:
 * the pipeline thread is its only caller.
 */
public final class IncrementalEngineCompilation implements PolicyCompilation {

    private final Map<LabelSet, Integer> identities = new HashMap<>();
    private final PolicyEngine engine;
    private final Map<KubeObject.Key, KubeObject> policies = new HashMap<>();
    private final Map<KubeObject.Key, List<PolicyRef>> refs = new HashMap<>();
    private final Map<KubeObject.Key, String> problems = new HashMap<>();
    private final Map<String, Map<String, String>> namespaces = new HashMap<>();
    private final Map<String, Pod> pods = new HashMap<>();

    public IncrementalEngineCompilation(EngineConfig config) {
        this.engine = new PolicyEngine(config, new EngineCompilation.KnownIdentities(identities));
    }

    @Override
    public Compiled compile(List<KubeObject> policyObjects, Map<String, Map<String, String>> namespaceLabels,
                            List<Workload> workloads) {
        workloads.forEach(w -> identities.put(w.labels(), w.identity()));
        applyPolicies(policyObjects);
        namespaceLabels.forEach((name, labels) -> {
            if (!labels.equals(namespaces.put(name, labels))) {
                engine.upsertNamespace(name, labels);
            }
        });
        for (String gone : new HashSet<>(namespaces.keySet())) {
            if (!namespaceLabels.containsKey(gone)) {
                namespaces.remove(gone);
                engine.upsertNamespace(gone, Map.of());
            }
        }
        Set<String> present = new HashSet<>();
        for (Workload w : workloads) {
            present.add(w.endpoint());
            Pod pod = pod(w);
            if (!pod.equals(pods.put(w.endpoint(), pod))) {
                engine.upsertPod(pod);
            }
        }
        for (String endpoint : new HashSet<>(pods.keySet())) {
            if (!present.contains(endpoint)) {
                Pod gone = pods.remove(endpoint);
                engine.removePod(gone.namespace(), gone.name());
            }
        }
        Map<String, MapState> states = new HashMap<>();
        for (Workload w : workloads) {
            EndpointPolicy p = engine.policyOf(w.endpoint());
            if (p == null) {
                throw new IllegalStateException("the engine has no endpoint " + w.endpoint());
            }
            states.put(w.endpoint(), p.installed());
        }
        Set<Integer> podIdentities = new HashSet<>();
        workloads.forEach(w -> podIdentities.add(w.identity()));
        Map<String, Integer> cidrs = new HashMap<>();
        engine.ipcache().prefixes().forEach((cidr, id) -> {
            if (!podIdentities.contains(id) && id > 255) {
                cidrs.put(cidr.toString(), id);
            }
        });
        return new Compiled(states, cidrs, problems);
    }

    private void applyPolicies(List<KubeObject> objects) {
        List<Policy> upserts = new ArrayList<>();
        List<PolicyRef> removals = new ArrayList<>();
        Map<KubeObject.Key, KubeObject> now = new HashMap<>();
        objects.forEach(o -> now.put(o.key(), o));
        for (KubeObject.Key gone : new HashSet<>(policies.keySet())) {
            if (!now.containsKey(gone)) {
                policies.remove(gone);
                removals.addAll(refs.getOrDefault(gone, List.of()));
                refs.remove(gone);
                problems.remove(gone);
            }
        }
        for (KubeObject o : objects) {
            if (o.equals(policies.put(o.key(), o))) {
                continue;
            }
            List<PolicyRef> before = refs.getOrDefault(o.key(), List.of());
            List<PolicyRef> after = new ArrayList<>();
            String problem = null;
            for (ParsedDocument d : new PolicyParser(o.namespace().isEmpty() ? "default" : o.namespace())
                    .parseAll(EngineCompilation.JSON.asJson(EngineCompilation.manifest(o)))) {
                switch (d) {
                    case ParsedDocument.Accepted a -> {
                        upserts.add(a.policy());
                        after.add(a.policy().ref());
                    }
                    case ParsedDocument.Rejected r -> problem = r.error().getMessage();
                }
            }
            before.stream().filter(r -> !after.contains(r)).forEach(removals::add);
            refs.put(o.key(), after);
            if (problem == null) {
                problems.remove(o.key());
            } else {
                problems.put(o.key(), problem);
            }
        }
        if (!upserts.isEmpty() || !removals.isEmpty()) {
            engine.apply(upserts, removals);
        }
    }

    private static Pod pod(Workload w) {
        List<NamedPort> ports = new ArrayList<>();
        w.namedPorts().forEach((name, p) -> ports.add(new NamedPort(name, p.port(), p.protocol())));
        Cidr ip = w.ips().stream().filter(a -> !a.contains(":")).findFirst().or(() -> w.ips().stream().findFirst())
                .map(a -> Cidr.parse(a.contains(":") ? a + "/128" : a + "/32")).orElse(null);
        return new Pod(w.namespace(), w.podName(), w.podLabels(), ip, ports);
    }
}
