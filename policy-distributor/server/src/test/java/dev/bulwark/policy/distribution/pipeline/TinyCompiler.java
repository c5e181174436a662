package dev.bulwark.policy.distribution.pipeline;

import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.policy.distribution.source.KubeObject;
import dev.bulwark.policy.distribution.source.ObjectKind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A test-only stand-in for the policy engine (the pipeline, not policy semantics, is under test): a
 * NetworkPolicy's podSelector.matchLabels isolates pods for ingress, each ingress rule allows
 * from.podSelector.matchLabels peers on TCP ports; everything else is allowed.
 */
final class TinyCompiler implements PolicyCompilation {

    @Override
    public Compiled compile(List<KubeObject> policies, Map<String, Map<String, String>> namespaceLabels, List<Workload> workloads) {
        Map<String, MapState.Builder> states = new HashMap<>();
        Map<KubeObject.Key, String> problems = new HashMap<>();
        for (KubeObject p : policies) {
            if (p.kind() != ObjectKind.NETWORK_POLICY) {
                continue;
            }
            if (p.at("spec", "podSelector").isEmpty()) {
                problems.put(p.key(), "spec.podSelector: required");
                continue;
            }
            Map<?, ?> subject = (Map<?, ?>) p.at("spec", "podSelector", "matchLabels").orElse(Map.of());
            for (Workload w : workloads) {
                if (!w.namespace().equals(p.namespace()) || !matches(subject, w)) {
                    continue;
                }
                MapState.Builder b = states.computeIfAbsent(w.endpoint(), e -> MapState.builder()
                        .put(PolicyKey.l3(0, Direction.EGRESS), PolicyEntry.ALLOW));
                for (Object rule : p.list("spec", "ingress")) {
                    Map<?, ?> r = (Map<?, ?>) rule;
                    for (Object from : (List<?>) r.get("from")) {
                        Map<?, ?> peerSel = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) from).get("podSelector")).get("matchLabels");
                        for (Workload peer : workloads) {
                            if (peer.namespace().equals(p.namespace()) && matches(peerSel, peer)) {
                                for (Object port : (List<?>) r.get("ports")) {
                                    int n = ((Number) ((Map<?, ?>) port).get("port")).intValue();
                                    b.put(PolicyKey.l4(peer.identity(), Direction.INGRESS, 6, n), PolicyEntry.allow("np/" + p.name()));
                                }
                            }
                        }
                    }
                }
            }
        }
        Map<String, MapState> out = new HashMap<>();
        for (Workload w : workloads) {
            out.put(w.endpoint(), states.containsKey(w.endpoint()) ? states.get(w.endpoint()).build() : MapState.allowAll());
        }
        return new Compiled(out, Map.of("192.0.2.0/24", 16_777_217), problems);
    }

    private static boolean matches(Map<?, ?> selector, Workload w) {
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(w.podLabels().get(e.getKey().toString())));
    }
}
