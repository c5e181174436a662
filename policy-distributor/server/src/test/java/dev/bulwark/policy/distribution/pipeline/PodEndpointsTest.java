package dev.bulwark.policy.distribution.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.model.Label;
import dev.bulwark.policy.distribution.source.KubeObject;
import dev.bulwark.policy.distribution.source.ManifestParser;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodEndpointsTest {

    private static Map<KubeObject.Key, KubeObject> objects(String yaml) {
        Map<KubeObject.Key, KubeObject> m = new HashMap<>();
        ManifestParser.parse(yaml).forEach(o -> m.put(o.key(), o));
        return m;
    }

    @Test
    void onlyScheduledAddressedRunningPodNetworkPodsAreEndpoints() {
        var extraction = PodEndpoints.extract(objects("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop, labels: {team: a}}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop, labels: {app: web}}
                spec: {nodeName: n1, containers: [{name: c, ports: [{name: http, containerPort: 8080}, {name: dns, containerPort: 53, protocol: UDP}]}]}
                status: {podIP: 10.0.0.1, podIPs: [{ip: 10.0.0.1}, {ip: "fd00::1"}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: pending, namespace: shop}
                status: {podIP: 10.0.0.2}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: host, namespace: shop}
                spec: {nodeName: n1, hostNetwork: true}
                status: {podIP: 192.168.0.1}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: done, namespace: shop}
                spec: {nodeName: n1}
                status: {podIP: 10.0.0.3, phase: Succeeded}
                """));
        assertEquals(1, extraction.endpoints().size());
        var web = extraction.endpoints().getFirst();
        assertEquals("shop/web", web.endpoint());
        assertEquals(List.of("10.0.0.1", "fd00::1"), web.ips());
        assertEquals(new Workload.NamedPort(53, 17), web.namedPorts().get("dns"));
        assertEquals(new Workload.NamedPort(8080, 6), web.namedPorts().get("http"));
        assertTrue(web.labels().contains(Label.k8s("io.cilium.k8s.namespace.labels.team", "a")), web.labels().toString());
        assertTrue(web.labels().contains(Label.k8s("io.kubernetes.pod.namespace", "shop")));
    }

    @Test
    void aPodWithInvalidLabelsIsAProblemNotAnEndpoint() {
        var extraction = PodEndpoints.extract(objects("""
                apiVersion: v1
                kind: Pod
                metadata: {name: bad, namespace: shop, labels: {"app": "has spaces"}}
                spec: {nodeName: n1}
                status: {podIP: 10.0.0.9}
                """));
        assertTrue(extraction.endpoints().isEmpty());
        String problem = extraction.problems().values().iterator().next();
        assertTrue(problem.startsWith("metadata.labels: "), problem);
    }
}
