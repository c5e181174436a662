package dev.bulwark.policy.distribution.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.spiffe.TrustDomain;
import io.grpc.Attributes;
import io.grpc.Metadata;
import org.junit.jupiter.api.Test;

class NodeSvidAuthenticatorTest {

    final NodeSvidAuthenticator auth = new NodeSvidAuthenticator(TrustDomain.parse("cluster-a.example"));

    @Test
    void aNodeSvidOfTheClusterNamesItsNode() {
        assertEquals(new AgentAuthenticator.NodeAgent("worker-1.zone-a"),
                auth.principal(SpiffeId.parse("spiffe://cluster-a.example/node/worker-1.zone-a")));
    }

    @Test
    void otherIdsAreRefusedWithTheReason() {
        String[][] cases = {
                {"spiffe://cluster-b.example/node/worker-1", "is not of trust domain cluster-a.example"},
                {"spiffe://cluster-a.example/identity/4242", "is not a node SVID"},
                {"spiffe://cluster-a.example/node/a/b", "is not a node SVID"},
                {"spiffe://cluster-a.example/nodes/worker-1", "is not a node SVID"},
        };
        for (String[] c : cases) {
            var refused = assertInstanceOf(AgentAuthenticator.Refused.class, auth.principal(SpiffeId.parse(c[0])), c[0]);
            assertTrue(refused.reason().contains(c[1]), refused.reason());
        }
    }

    @Test
    void aCallWithoutTlsIsRefused() {
        var refused = assertInstanceOf(AgentAuthenticator.Refused.class, auth.authenticate(Attributes.EMPTY, new Metadata()));
        assertTrue(refused.reason().contains("requires mTLS"), refused.reason());
    }
}
