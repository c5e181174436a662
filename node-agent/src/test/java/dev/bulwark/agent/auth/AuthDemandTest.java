package dev.bulwark.agent.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.agent.sync.NodePolicyState;
import dev.bulwark.model.Cidr;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.model.policy.Protocols;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which pairs need authentication and which handshakes pre-authenticate them. */
class AuthDemandTest {

    static final PolicyEntry AUTH = new PolicyEntry(false, 0, true, "");

    static NodePolicyState state() {
        MapState web = MapState.builder()
                .put(PolicyKey.l4(2001, Direction.EGRESS, Protocols.TCP, 5432), AUTH)
                .put(PolicyKey.l4(2002, Direction.EGRESS, Protocols.TCP, 80), PolicyEntry.ALLOW)
                .put(PolicyKey.l4(2003, Direction.EGRESS, Protocols.TCP, 80), new PolicyEntry(true, 0, false, ""))
                .put(PolicyKey.l3(2004, Direction.INGRESS), AUTH)
                .build();
        MapState api = MapState.builder().put(PolicyKey.l4(0, Direction.INGRESS, Protocols.TCP, 443), AUTH).build();
        return new NodePolicyState(7,
                Map.of(Cidr.parse("10.0.1.1/32"), 2001, Cidr.parse("10.0.2.1/32"), 2001, Cidr.parse("10.0.3.1/32"), 2004,
                        Cidr.parse("192.0.2.0/24"), 2004),
                Map.of(Cidr.parse("10.0.1.1/32"), "n1", Cidr.parse("10.0.2.1/32"), "n2", Cidr.parse("10.0.3.1/32"), "n1",
                        Cidr.parse("192.0.2.0/24"), ""),
                Map.of("shop/web", new NodePolicyState.EndpointPolicy(1001, List.of("10.0.0.1"), web),
                        "shop/api", new NodePolicyState.EndpointPolicy(1002, List.of("10.0.0.2"), api),
                        "shop/new", new NodePolicyState.EndpointPolicy(0, List.of(), web)));
    }

    @Test
    void authRequiredAllowsNamePairsAndAnyPeerEntriesNameTheEndpoint() {
        AuthDemand d = AuthDemand.of(state());
        assertEquals(Set.of(new AuthDemand.Pair(1001, 2001), new AuthDemand.Pair(1001, 2004)), d.pairs(),
                "plain allows, denies and endpoints without an identity name none");
        assertEquals(Set.of(1002), d.anyPeer());
        assertTrue(d.expects(1001, 2001));
        assertTrue(d.expects(1002, 99_999), "any peer");
        assertFalse(d.expects(1001, 2002));
        assertFalse(d.expects(2001, 1001), "pairs are directed: local first");
    }

    @Test
    void targetsAreEveryNodeHostingThePeerIdentity() {
        NodePolicyState s = state();
        assertEquals(List.of(
                        new AuthDemand.Target(new AuthDemand.Pair(1001, 2001), "n1"),
                        new AuthDemand.Target(new AuthDemand.Pair(1001, 2001), "n2"),
                        new AuthDemand.Target(new AuthDemand.Pair(1001, 2004), "n1"),
                        new AuthDemand.Target(new AuthDemand.Pair(1002, 2001), "n1"),
                        new AuthDemand.Target(new AuthDemand.Pair(1002, 2001), "n2"),
                        new AuthDemand.Target(new AuthDemand.Pair(1002, 2004), "n1")),
                List.copyOf(AuthDemand.of(s).targets(s)),
                "the CIDR prefix of 2004 has no node; 1002's any-peer entry pairs it with every node-hosted identity");
        assertEquals(Set.of(), AuthDemand.NONE.targets(s));
    }
}
