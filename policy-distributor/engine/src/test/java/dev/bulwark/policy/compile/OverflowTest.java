package dev.bulwark.policy.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.model.Cidr;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.Protocols;
import dev.bulwark.policy.api.Policy;
import dev.bulwark.policy.identity.SequentialIdentities;
import dev.bulwark.policy.parse.PolicyParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-endpoint entry limit: deterministic, visible, and never a partial map. */
class OverflowTest {

    private final PolicyParser parser = new PolicyParser("default");

    private Policy ports(String name, int count) {
        StringBuilder sb = new StringBuilder("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: %s, namespace: x}
                spec:
                  podSelector: {matchLabels: {app: a}}
                  ingress:
                  - ports:
                """.formatted(name));
        for (int i = 0; i < count; i++) {
            sb.append("    - {port: ").append(1000 + 2 * i).append("}\n");
        }
        return parser.parseOne(sb.toString());
    }

    private PolicyEngine engine(OverflowMode mode) {
        PolicyEngine e = new PolicyEngine(EngineConfig.DEFAULT.withEntryLimit(10).withOverflowMode(mode), new SequentialIdentities());
        e.upsertNamespace("x", Map.of());
        e.upsertPod(new Pod("x", "a", Map.of("app", "a"), Cidr.parse("10.0.0.1/32"), List.of(new NamedPort("http", 80, Protocols.TCP))));
        return e;
    }

    @Test
    void overLimitKeepsTheLastGoodStateAndSaysSo() {
        PolicyEngine e = engine(OverflowMode.KEEP_LAST_GOOD);
        e.apply(List.of(ports("small", 5)), List.of());
        MapState good = e.policyOf("x/a").installed();
        assertEquals(6, good.size(), "5 ports + egress allow-all");

        PolicyDelta delta = e.apply(List.of(ports("big", 20)), List.of());
        EngineEvent.Overflow event = assertInstanceOf(EngineEvent.Overflow.class, delta.events().getFirst());
        assertEquals(21, event.desiredEntries(), "20 ports (the 5 small ones among them) + egress allow-all");
        assertEquals(10, event.limit());
        assertTrue(delta.endpoints().isEmpty(), "nothing written while over the limit");
        EndpointPolicy p = e.policyOf("x/a");
        assertTrue(p.overflowed());
        assertEquals(good, p.installed());

        PolicyDelta back = e.apply(List.of(), List.of(ports("big", 1).ref()));
        assertInstanceOf(EngineEvent.Recovered.class, back.events().getFirst());
        assertFalse(e.policyOf("x/a").overflowed());
        assertEquals(good, e.policyOf("x/a").installed());
    }

    @Test
    void lockdownInstallsAnEmptyMap() {
        PolicyEngine e = engine(OverflowMode.LOCKDOWN);
        e.apply(List.of(ports("small", 5)), List.of());
        PolicyDelta delta = e.apply(List.of(ports("big", 20)), List.of());
        assertEquals(6, delta.endpoints().get("x/a").removals().size(), "every entry removed");
        assertEquals(0, e.policyOf("x/a").installed().size());
        assertTrue(e.policyOf("x/a").overflowed());
    }

    @Test
    void anEndpointThatNeverFitIsLockedDownEvenInKeepLastGoodMode() {
        PolicyEngine e = new PolicyEngine(EngineConfig.DEFAULT.withEntryLimit(10), new SequentialIdentities());
        e.upsertNamespace("x", Map.of());
        e.apply(List.of(ports("big", 20)), List.of());
        PolicyDelta d = e.upsertPod(new Pod("x", "a", Map.of("app", "a"), Cidr.parse("10.0.0.1/32"), List.of()));
        assertEquals(0, e.policyOf("x/a").installed().size());
        assertInstanceOf(EngineEvent.Overflow.class, d.events().getFirst());
    }

    @Test
    void theSubjectIndexFindsExactlyWhatAFullScanFinds() {
        PolicyEngine e = engine(OverflowMode.KEEP_LAST_GOOD);
        e.apply(List.of(ports("small", 5), ports("other", 2)), List.of());
        e.upsertPod(new Pod("x", "b", Map.of("app", "b"), Cidr.parse("10.0.0.2/32"), List.of()));
        int a = e.policyOf("x/a").identity().value();
        int b = e.policyOf("x/b").identity().value();
        assertEquals(e.rulesForByScan(a), e.rulesFor(a));
        assertEquals(2, e.rulesFor(a).size());
        assertEquals(List.of(), e.rulesFor(b));
        assertEquals(e.resolveByScan(a, List.of()), e.resolve(a, List.of()));
    }
}
