package dev.bulwark.policy.scenario;

import dev.bulwark.model.LabelSet;
import dev.bulwark.policy.api.Policy;
import dev.bulwark.policy.compile.EndpointPolicy;
import dev.bulwark.policy.compile.EngineConfig;
import dev.bulwark.policy.compile.Pod;
import dev.bulwark.policy.compile.PolicyEngine;
import dev.bulwark.policy.identity.PodIdentityLabels;
import dev.bulwark.policy.identity.SequentialIdentities;
import dev.bulwark.policy.parse.InvalidPolicyException;
import dev.bulwark.policy.parse.ParsedDocument;
import dev.bulwark.policy.parse.PolicyParser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compiles a scenario offline: deterministic identity numbering (pod label sets numbered in sorted
 * order from 256), every policy parsed and validated, everything fed to a fresh {@link PolicyEngine}.
 */
public final class ScenarioCompiler {

    private final EngineConfig config;

    public ScenarioCompiler(EngineConfig config) {
        this.config = config;
    }

    /** @throws InvalidPolicyException naming {@code policies[i]} and the field, if any policy is invalid */
    public CompiledScenario compile(Scenario s) {
        List<Policy> policies = parsePolicies(s.policies());
        SequentialIdentities identities = new SequentialIdentities();
        TreeSet<LabelSet> labelSets = new TreeSet<>();
        for (Pod p : s.pods()) {
            try {
                labelSets.add(PodIdentityLabels.of(p.namespace(), s.namespaces().getOrDefault(p.namespace(), Map.of()), p.labels()));
            } catch (dev.bulwark.model.InvalidLabelException e) {
                throw new InvalidPolicyException("pods(" + p.key() + ")", "identity labels: " + e.getMessage());
            }
        }
        labelSets.forEach(identities::identityFor);
        PolicyEngine engine = new PolicyEngine(config, identities);
        new TreeMap<>(s.namespaces()).forEach(engine::upsertNamespace);
        Map<String, dev.bulwark.model.Cidr> ips = new HashMap<>();
        for (Pod p : s.pods()) {
            engine.upsertPod(p);
            ips.put(p.key(), p.ip());
        }
        engine.apply(policies, List.of());
        Map<String, EndpointPolicy> endpoints = new TreeMap<>();
        for (String ep : engine.endpoints()) {
            endpoints.put(ep, engine.policyOf(ep));
        }
        return new CompiledScenario(s, endpoints, engine.ipcache(), ips, policies);
    }

    /** Parses each manifest; the first invalid one fails the scenario, naming {@code policies[i]}. */
    public static List<Policy> parsePolicies(List<String> texts) {
        PolicyParser parser = new PolicyParser("default");
        List<Policy> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            for (ParsedDocument d : parser.parseAll(texts.get(i))) {
                switch (d) {
                    case ParsedDocument.Accepted a -> out.add(a.policy());
                    case ParsedDocument.Rejected r -> throw new InvalidPolicyException("policies[" + i + "]"
                            + (r.label().isEmpty() ? "" : " (" + r.label() + ")"), r.error().getMessage());
                }
            }
        }
        return out;
    }
}
