package dev.bulwark.agent.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.agent.auth.EndpointAuth;
import dev.bulwark.agent.auth.EndpointAuthConfig;
import dev.bulwark.agent.auth.TrustDomains;
import dev.bulwark.agent.datapath.AuthKey;
import dev.bulwark.agent.datapath.DatapathConfig;
import dev.bulwark.agent.datapath.FlowTuple;
import dev.bulwark.agent.datapath.ModelDatapath;
import dev.bulwark.agent.datapath.Reason;
import dev.bulwark.agent.sync.NodePolicyState;
import dev.bulwark.agent.sync.StateApplier;
import dev.bulwark.mesh.bundle.BundleSet;
import dev.bulwark.mesh.ca.AuthorityStore;
import dev.bulwark.mesh.ca.CaSettings;
import dev.bulwark.mesh.ca.CertificateAuthority;
import dev.bulwark.mesh.ca.IssuedSvid;
import dev.bulwark.mesh.ca.KeyAlgorithm;
import dev.bulwark.mesh.ca.bouncycastle.BouncyCastleCertificateSigner;
import dev.bulwark.mesh.spiffe.TrustDomain;
import dev.bulwark.mesh.tls.X509Svid;
import dev.bulwark.model.Cidr;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.model.policy.Protocols;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two agents' datapaths (model) programmed by the state applier, each with endpoint auth on loopback:
 * after each applies its policy state, both pre-authenticate their pairs with the other node, so the
 * first packet in each direction is allowed, and the endpoint identities the applier wrote are what the
 * auth map lookups use.
 */
@org.junit.jupiter.api.Timeout(value = 120, unit = java.util.concurrent.TimeUnit.SECONDS)
class EndpointAuthIT {

    static final TrustDomain TD = TrustDomain.parse("cluster-a.example");
    static final PolicyEntry AUTH = new PolicyEntry(false, 0, true, "");
    static final SecureRandom RANDOM = new SecureRandom();
    final CertificateAuthority ca = new CertificateAuthority(CaSettings.defaults(TD, "a"), new BouncyCastleCertificateSigner(),
            AuthorityStore.inMemory(), InstantSource.system(), RANDOM);
    final List<EndpointAuth> started = new ArrayList<>();

    @AfterEach
    void close() {
        started.forEach(EndpointAuth::close);
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    X509Svid issue(TrustDomains tds, int identity) {
        KeyPair kp = KeyAlgorithm.EC_P256.generate(RANDOM);
        IssuedSvid s = ca.issue(tds.spiffeId(identity), kp.getPublic(), Duration.ZERO);
        return new X509Svid(tds.spiffeId(identity), s.chain(), kp.getPrivate());
    }

    @Test
    void bothNodesPreAuthenticateSoTheFirstPacketsPass() throws Exception {
        Map<Cidr, Integer> ipcache = Map.of(Cidr.parse("10.0.1.1/32"), 1001, Cidr.parse("10.0.2.1/32"), 1002);
        Map<Cidr, String> nodes = Map.of(Cidr.parse("10.0.1.1/32"), "n1", Cidr.parse("10.0.2.1/32"), "n2");
        NodePolicyState s1 = new NodePolicyState(1, ipcache, nodes, Map.of("shop/web", new NodePolicyState.EndpointPolicy(
                1001, List.of("10.0.1.1"), MapState.builder().put(PolicyKey.l4(1002, Direction.EGRESS, Protocols.TCP, 5432), AUTH).build())));
        NodePolicyState s2 = new NodePolicyState(1, ipcache, nodes, Map.of("shop/db", new NodePolicyState.EndpointPolicy(
                1002, List.of("10.0.2.1"), MapState.builder().put(PolicyKey.l4(1001, Direction.INGRESS, Protocols.TCP, 5432), AUTH).build())));
        InetAddress lo = InetAddress.getLoopbackAddress();
        Map<String, InetSocketAddress> peers = Map.of("n1", new InetSocketAddress(lo, freePort()), "n2", new InetSocketAddress(lo, freePort()));
        TrustDomains tds = TrustDomains.single(TD);

        ModelNodeDatapath[] dps = new ModelNodeDatapath[2];
        int[] ifindex = new int[2];
        String[] names = {"shop/web", "shop/db"};
        NodePolicyState[] states = {s1, s2};
        String[] self = {"n1", "n2"};
        for (int i = 0; i < 2; i++) {
            dps[i] = new ModelNodeDatapath(new ModelDatapath(DatapathConfig.DEFAULT, InstantSource.system(), e -> { }));
            ifindex[i] = dps[i].attach(names[i]);
            new StateApplier(dps[i]).apply(NodePolicyState.EMPTY, states[i]);
            EndpointAuthConfig cfg = new EndpointAuthConfig(peers.get(self[i]), tds, EndpointAuthConfig.DEFAULT_PORT, peers,
                    Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMinutes(10));
            EndpointAuth auth = new EndpointAuth(cfg, id -> issue(tds, id), () -> BundleSet.of(ca.bundle()), dps[i].auth(),
                    InstantSource.system(), System.out::println);
            started.add(auth);
            auth.start();
        }
        FlowTuple first = new FlowTuple(FlowTuple.ipv4("10.0.1.1"), FlowTuple.ipv4("10.0.2.1"), Protocols.TCP, 40_000, 5432);
        assertEquals(Reason.AUTH_REQUIRED, dps[0].model().process(ifindex[0], Direction.EGRESS, first), "before any handshake");

        started.get(0).onState(s1);
        started.get(1).onState(s2);
        awaitEntry(dps[0], AuthKey.spiffe(1001, 1002));
        awaitEntry(dps[1], AuthKey.spiffe(1002, 1001));

        FlowTuple next = new FlowTuple(FlowTuple.ipv4("10.0.1.1"), FlowTuple.ipv4("10.0.2.1"), Protocols.TCP, 40_001, 5432);
        assertEquals(Reason.ALLOWED_NEW, dps[0].model().process(ifindex[0], Direction.EGRESS, next), "web's egress");
        assertEquals(Reason.ALLOWED_NEW, dps[1].model().process(ifindex[1], Direction.INGRESS, next), "db's ingress");
    }

    /** Waits for the asynchronous pre-authentication (no timing is asserted; the class timeout bounds it). */
    private static void awaitEntry(ModelNodeDatapath dp, AuthKey key) throws InterruptedException {
        while (dp.auth().expiry(key).isEmpty()) {
            Thread.sleep(20);
        }
        assertTrue(dp.auth().expiry(key).isPresent());
    }
}
