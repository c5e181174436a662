package dev.bulwark.policy.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.model.Cidr;
import dev.bulwark.model.Label;
import dev.bulwark.model.LabelSet;
import dev.bulwark.policy.compile.EngineConfig;
import dev.bulwark.policy.compile.Pod;
import dev.bulwark.policy.compile.PolicyEngine;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodIdentityLabelsTest {

    @Test
    void controllerAndPerPodLabelsAreNotPartOfTheIdentity() {
        LabelSet labels = PodIdentityLabels.of("shop", Map.of("kubernetes.io/metadata.name", "shop", "team", "a"),
                Map.of("app", "web", "pod-template-hash", "5d4f8c7b9", "controller-revision-hash", "web-7c9",
                        "statefulset.kubernetes.io/pod-name", "web-0", "app.kubernetes.io/name", "web"));
        assertEquals(LabelSet.of(List.of(Label.k8s("app", "web"), Label.k8s("app.kubernetes.io/name", "web"),
                Label.k8s("io.kubernetes.pod.namespace", "shop"),
                Label.k8s("io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name", "shop"),
                Label.k8s("io.cilium.k8s.namespace.labels.team", "a"))), labels);
    }

    @Test
    void replicaSetGenerationsShareOneIdentityAndPoliciesStillSelectThem() {
        PolicyEngine engine = new PolicyEngine(EngineConfig.DEFAULT, new SequentialIdentities());
        engine.upsertNamespace("shop", Map.of());
        engine.upsertPod(new Pod("shop", "web-1", Map.of("app", "web", "pod-template-hash", "aaa"), Cidr.parse("10.0.0.1/32"), List.of()));
        engine.upsertPod(new Pod("shop", "web-2", Map.of("app", "web", "pod-template-hash", "bbb"), Cidr.parse("10.0.0.2/32"), List.of()));
        engine.upsertPod(new Pod("shop", "db", Map.of("app", "db"), Cidr.parse("10.0.0.3/32"), List.of()));
        assertEquals(engine.policyOf("shop/web-1").identity(), engine.policyOf("shop/web-2").identity());
        assertNotEquals(engine.policyOf("shop/web-1").identity(), engine.policyOf("shop/db").identity());
        int web = engine.policyOf("shop/web-1").identity().value();
        assertTrue(engine.identities().get(web).value("k8s:pod-template-hash") == null, "dropped label not visible to selectors");
    }
}
