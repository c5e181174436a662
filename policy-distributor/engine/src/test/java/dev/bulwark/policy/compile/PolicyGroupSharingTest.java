package dev.bulwark.policy.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.model.Cidr;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.model.policy.Protocols;
import dev.bulwark.policy.identity.SequentialIdentities;
import dev.bulwark.policy.parse.PolicyParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Endpoints selected by the same rules share one compiled state, and a delta names them in one shared change. */
class PolicyGroupSharingTest {

    private final PolicyParser parser = new PolicyParser("default");

    private PolicyEngine engine() {
        PolicyEngine e = new PolicyEngine(EngineConfig.DEFAULT, new SequentialIdentities());
        e.upsertNamespace("x", Map.of());
        e.apply(List.of(parser.parseOne("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: from-clients, namespace: x}
                spec:
                  podSelector: {matchLabels: {tier: web}}
                  ingress: [{from: [{podSelector: {matchLabels: {role: client}}}], ports: [{port: 80}]}]
                """)), List.of());
        for (String app : List.of("a", "b", "c")) {
            e.upsertPod(new Pod("x", app, Map.of("app", app, "tier", "web"), Cidr.parse("10.0.0." + (app.charAt(0) - 'a' + 1) + "/32"), List.of()));
        }
        return e;
    }

    @Test
    void endpointsWithTheSameRulesShareOneGroupWhateverTheirIdentity() {
        PolicyEngine e = engine();
        assertNotEquals(e.policyOf("x/a").identity(), e.policyOf("x/b").identity());
        assertEquals(1, e.groupCount());
        assertTrue(e.policyOf("x/a").installed() == e.policyOf("x/b").installed(), "one map state object, shared");
    }

    @Test
    void aNewPeerIdentityIsOneSharedChangeForEveryEndpointTheRuleSelects() {
        PolicyEngine e = engine();
        PolicyDelta d = e.upsertPod(new Pod("x", "client", Map.of("role", "client"), Cidr.parse("10.0.0.9/32"), List.of()));
        int client = e.policyOf("x/client").identity().value();
        PolicyDelta.SharedChange change = d.shared().stream().filter(c -> c.endpoints().contains("x/a")).findFirst().orElseThrow();
        assertEquals(List.of("x/a", "x/b", "x/c"), change.endpoints().stream().sorted().toList());
        assertEquals(Map.of(PolicyKey.l4(client, Direction.INGRESS, Protocols.TCP, 80), e.policyOf("x/a").installed()
                .entries().get(PolicyKey.l4(client, Direction.INGRESS, Protocols.TCP, 80))), change.upserts());
        assertEquals(4, d.endpoints().size(), "three web pods and the new client");
        assertEquals(d.endpointCount(), d.endpoints().size());
    }

    @Test
    void relabellingOutOfTheGroupMovesOnlyThatEndpoint() {
        PolicyEngine e = engine();
        PolicyDelta d = e.upsertPod(new Pod("x", "c", Map.of("app", "c", "tier", "db"), Cidr.parse("10.0.0.3/32"), List.of()));
        assertEquals(List.of("x/c"), List.copyOf(d.endpoints().keySet()));
        assertEquals(2, e.groupCount());
        assertTrue(e.policyOf("x/c").installed().entries().containsKey(PolicyKey.l3(0, Direction.INGRESS)), "no longer isolated");
    }

    /**
     * A new client is selected by one rule in two groups (a has a second, unrelated rule): written once
     * in the rule's shared slices, one shared change for all three web pods; after more clients than a
     * shared-slices log holds (so it is trimmed while some groups lag) and removals (taken per group),
     * every endpoint's state equals a fresh engine's.
     */
    @Test
    void aRuleSharedByGroupsIsWrittenOnceAndEveryGroupCatchesUp() {
        PolicyEngine e = engine();
        var extra = parser.parseOne("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: a-from-ops, namespace: x}
                spec:
                  podSelector: {matchLabels: {app: a}}
                  ingress: [{from: [{podSelector: {matchLabels: {role: ops}}}], ports: [{port: 22}]}]
                """);
        e.apply(List.of(extra), List.of());
        assertEquals(2, e.groupCount());
        int clients = SharedSlices.LOG_MAX * 2 + 5;
        for (int i = 0; i < clients; i++) {
            PolicyDelta d = e.upsertPod(client(i));
            List<PolicyDelta.SharedChange> web = d.shared().stream().filter(c -> c.endpoints().contains("x/b")).toList();
            assertEquals(1, web.size(), "client " + i);
            assertEquals(List.of("x/a", "x/b", "x/c"), web.getFirst().endpoints().stream().sorted().toList(), "client " + i);
            if (i % 50 == 0) {
                assertEquals(fresh(extra, i + 1).policyOf("x/b").installed(), e.policyOf("x/b").installed(), "client " + i);
            }
        }
        for (int i = 0; i < clients; i += 2) {
            e.removePod("x", "client" + i);
        }
        PolicyEngine f = fresh(extra, clients);
        for (int i = 0; i < clients; i += 2) {
            f.removePod("x", "client" + i);
        }
        for (String ep : List.of("x/a", "x/b", "x/c")) {
            assertEquals(f.policyOf(ep).installed(), e.policyOf(ep).installed(), ep);
        }
    }

    private static Pod client(int i) {
        return new Pod("x", "client" + i, Map.of("role", "client", "app", "client" + i),
                Cidr.parse("10.1." + (i / 200) + "." + (i % 200 + 1) + "/32"), List.of());
    }

    private PolicyEngine fresh(dev.bulwark.policy.api.Policy extra, int clients) {
        PolicyEngine f = engine();
        for (int i = 0; i < clients; i++) {
            f.upsertPod(client(i));
        }
        f.apply(List.of(extra), List.of());
        return f;
    }
}
