package dev.bulwark.policy.distribution.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestParserTest {

    @Test
    void readsSeveralDocumentsOfEveryKind() {
        List<KubeObject> objects = ManifestParser.parse("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop, labels: {team: a}}
                ---
                # a comment-only document is skipped
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web-1, namespace: shop, labels: {app: web}}
                spec: {nodeName: n1, containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
                status: {podIP: 10.0.0.5}
                ---
                apiVersion: cilium.io/v2
                kind: CiliumClusterwideNetworkPolicy
                metadata: {name: deny-all}
                spec: {endpointSelector: {}}
                """);
        assertEquals(3, objects.size());
        KubeObject pod = objects.get(1);
        assertEquals(new KubeObject.Key(ObjectKind.POD, "shop", "web-1"), pod.key());
        assertEquals("n1", pod.string("spec", "nodeName").orElseThrow());
        assertEquals("10.0.0.5", pod.string("status", "podIP").orElseThrow());
        assertEquals(ObjectKind.CILIUM_CLUSTERWIDE_NETWORK_POLICY, objects.get(2).kind());
    }

    @Test
    void aNamespacedObjectWithoutNamespaceIsInDefault() {
        KubeObject np = ManifestParser.parse("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: np}
                spec: {podSelector: {}}
                """).getFirst();
        assertEquals("default", np.namespace());
    }

    @Test
    void badDocumentsAreRejectedNamingTheDocumentAndField() {
        assertMessage("document 2: metadata.name: required", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: ok}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {labels: {a: b}}
                """);
        assertMessage("document 1: kind: apps/v1 Deployment is not a kind", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                """);
        assertMessage("document 1: metadata.namespace: CiliumClusterwideNetworkPolicy is cluster-scoped", """
                apiVersion: cilium.io/v2
                kind: CiliumClusterwideNetworkPolicy
                metadata: {name: x, namespace: y}
                """);
        assertMessage("document 1: not valid YAML", "apiVersion: v1\nkind: [unclosed\n");
        assertMessage("document 1: must be a mapping", "- a\n- b\n");
    }

    private static void assertMessage(String expected, String yaml) {
        var e = assertThrows(IllegalArgumentException.class, () -> ManifestParser.parse(yaml));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }
}
