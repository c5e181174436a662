package dev.bulwark.mesh.tls;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.spiffe.TrustDomain;
import org.junit.jupiter.api.Test;

class ControlPlanePeerCheckTest {

    static final TrustDomain TD = TrustDomain.parse("cluster-a.example");

    @Test
    void serversMustBeControlPlaneComponentsOfTheDomain() {
        PeerCheck check = PeerCheck.controlPlaneServer(TD);
        assertNull(check.refuse(SpiffeId.parse("spiffe://cluster-a.example/bulwark/distributor")));
        assertNotNull(check.refuse(SpiffeId.parse("spiffe://cluster-a.example/node/worker-1")), "a node posing as a server");
        assertNotNull(check.refuse(SpiffeId.parse("spiffe://cluster-a.example/identity/4242")));
        assertNotNull(check.refuse(SpiffeId.parse("spiffe://cluster-b.example/bulwark/distributor")), "a federated domain");
    }

    @Test
    void clientsMustBeNodesOrComponentsOfTheDomain() {
        PeerCheck check = PeerCheck.controlPlaneClient(TD);
        assertNull(check.refuse(SpiffeId.parse("spiffe://cluster-a.example/node/worker-1")));
        assertNull(check.refuse(SpiffeId.parse("spiffe://cluster-a.example/bulwark/distributor")));
        assertNotNull(check.refuse(SpiffeId.parse("spiffe://cluster-a.example/identity/4242")), "a workload SVID");
        assertNotNull(check.refuse(SpiffeId.parse("spiffe://cluster-a.example/ns/default/sa/web")), "a workload SVID");
        assertNotNull(check.refuse(SpiffeId.parse("spiffe://cluster-b.example/node/worker-1")), "a federated domain");
        assertNotNull(check.refuse(SpiffeId.parse("spiffe://cluster-a.example/nodes/worker-1")));
    }
}
