package dev.bulwark.policy.distribution.pipeline;

import dev.bulwark.model.Cidr;
import dev.bulwark.model.LabelSet;
import dev.bulwark.model.NumericIdentity;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.policy.api.Policy;
import dev.bulwark.policy.compile.EndpointPolicy;
import dev.bulwark.policy.compile.EngineConfig;
import dev.bulwark.policy.compile.NamedPort;
import dev.bulwark.policy.compile.Pod;
import dev.bulwark.policy.compile.PolicyEngine;
import dev.bulwark.policy.identity.IdentityPort;
import dev.bulwark.policy.parse.ParsedDocument;
import dev.bulwark.policy.parse.PolicyParser;
import dev.bulwark.policy.distribution.source.KubeObject;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link PolicyCompilation} by the policy engine ({@code bulwark-policy-engine}): each call builds a
 * {@link PolicyEngine} from scratch over the given objects (a full recompute; the distribution layer
 * diffs the result, so agents still get only what changed). Identities are the ones the pipeline
 * allocated; the engine allocates node-local CIDR identities itself. Policies are handed to the engine's
 * strict parser as the manifest the user wrote (server-set metadata and status removed).
 */
public final class EngineCompilation implements PolicyCompilation {

    static final KubernetesSerialization JSON = new KubernetesSerialization();

    private final EngineConfig config;

    public EngineCompilation(EngineConfig config) {
        this.config = config;
    }

    @Override
    public Compiled compile(List<KubeObject> policies, Map<String, Map<String, String>> namespaceLabels,
                            List<Workload> workloads) {
        Map<LabelSet, Integer> byLabels = new HashMap<>();
        workloads.forEach(w -> byLabels.put(w.labels(), w.identity()));
        PolicyEngine engine = new PolicyEngine(config, new KnownIdentities(byLabels));
        Map<KubeObject.Key, String> problems = new HashMap<>();
        List<Policy> parsed = new ArrayList<>();
        for (KubeObject o : policies) {
            List<ParsedDocument> docs = new PolicyParser(o.namespace().isEmpty() ? "default" : o.namespace())
                    .parseAll(JSON.asJson(manifest(o)));
            for (ParsedDocument d : docs) {
                switch (d) {
                    case ParsedDocument.Accepted a -> parsed.add(a.policy());
                    case ParsedDocument.Rejected r -> problems.put(o.key(), r.error().getMessage());
                }
            }
        }
        engine.apply(parsed, List.of());
        namespaceLabels.forEach(engine::upsertNamespace);
        for (Workload w : workloads) {
            List<NamedPort> ports = new ArrayList<>();
            w.namedPorts().forEach((name, p) -> ports.add(new NamedPort(name, p.port(), p.protocol())));
            Cidr ip = w.ips().stream().filter(a -> !a.contains(":")).findFirst().or(() -> w.ips().stream().findFirst())
                    .map(a -> Cidr.parse(a.contains(":") ? a + "/128" : a + "/32")).orElse(null);
            engine.upsertPod(new Pod(w.namespace(), w.podName(), w.podLabels(), ip, ports));
        }
        Map<String, MapState> states = new HashMap<>();
        for (Workload w : workloads) {
            EndpointPolicy p = engine.policyOf(w.endpoint());
            if (p == null) {
                throw new IllegalStateException("the engine has no endpoint " + w.endpoint());
            }
            states.put(w.endpoint(), p.installed());
        }
        Set<Integer> podIdentities = new java.util.HashSet<>(byLabels.values());
        Map<String, Integer> cidrs = new HashMap<>();
        engine.ipcache().prefixes().forEach((cidr, id) -> {
            if (!podIdentities.contains(id) && id > 255) {
                cidrs.put(cidr.toString(), id);
            }
        });
        return new Compiled(states, cidrs, problems);
    }

    /** The manifest as written: apiVersion, kind, name/namespace/labels/annotations, spec and specs. */
    static Map<String, Object> manifest(KubeObject o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("apiVersion", o.kind().apiVersion);
        m.put("kind", o.kind().kind);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("name", o.name());
        if (!o.namespace().isEmpty()) {
            meta.put("namespace", o.namespace());
        }
        if (!o.labels().isEmpty()) {
            meta.put("labels", o.labels());
        }
        o.at("metadata", "annotations").ifPresent(a -> meta.put("annotations", a));
        m.put("metadata", meta);
        o.at("spec").ifPresent(s -> m.put("spec", s));
        o.at("specs").ifPresent(s -> m.put("specs", s));
        return m;
    }

    /** The identities the pipeline already allocated; a label set it did not see is a bug. */
    record KnownIdentities(Map<LabelSet, Integer> byLabels) implements IdentityPort {
        @Override
        public NumericIdentity identityFor(LabelSet labels) {
            Integer id = byLabels.get(labels);
            if (id == null) {
                throw new IllegalStateException("no identity was allocated for " + labels);
            }
            return new NumericIdentity(id);
        }

        @Override
        public Map<NumericIdentity, LabelSet> known() {
            Map<NumericIdentity, LabelSet> out = new HashMap<>();
            byLabels.forEach((labels, id) -> out.put(new NumericIdentity(id), labels));
            return out;
        }
    }
}
