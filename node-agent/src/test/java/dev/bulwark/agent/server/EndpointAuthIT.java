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
        return X509Svid.issue(ca, tds.spiffeId(identity), KeyAlgorithm.EC_P256, Duration.ZERO, RANDOM);
    }

    static final Map<Cidr, Integer> IPCACHE = Map.of(Cidr.parse("10.0.1.1/32"), 1001, Cidr.parse("10.0.2.1/32"), 1002);
    static final Map<Cidr, String> NODES = Map.of(Cidr.parse("10.0.1.1/32"), "n1", Cidr.parse("10.0.2.1/32"), "n2");
    static final NodePolicyState S1 = new NodePolicyState(1, IPCACHE, NODES, Map.of("shop/web", new NodePolicyState.EndpointPolicy(
            1001, List.of("10.0.1.1"), MapState.builder().put(PolicyKey.l4(1002, Direction.EGRESS, Protocols.TCP, 5432), AUTH).build())));
    static final NodePolicyState S2 = new NodePolicyState(1, IPCACHE, NODES, Map.of("shop/db", new NodePolicyState.EndpointPolicy(
            1002, List.of("10.0.2.1"), MapState.builder().put(PolicyKey.l4(1001, Direction.INGRESS, Protocols.TCP, 5432), AUTH).build())));
    static final FlowTuple WEB_TO_DB = new FlowTuple(FlowTuple.ipv4("10.0.1.1"), FlowTuple.ipv4("10.0.2.1"), Protocols.TCP, 40_000, 5432);

    /** One node: its model datapath programmed by the applier with {@code state}, and its endpoint auth (not started). */
    record Node(ModelNodeDatapath datapath, int ifindex, EndpointAuth auth) {
    }

    Node node(String endpoint, NodePolicyState state, String self, Map<String, InetSocketAddress> peers) {
        return node(endpoint, state, self, peers, System.out::println);
    }

    Node node(String endpoint, NodePolicyState state, String self, Map<String, InetSocketAddress> peers,
              java.util.function.Consumer<String> log) {
        TrustDomains tds = TrustDomains.single(TD);
        ModelNodeDatapath dp = new ModelNodeDatapath(new ModelDatapath(DatapathConfig.DEFAULT, InstantSource.system(), e -> { }));
        int ifindex = dp.attach(endpoint);
        new StateApplier(dp).apply(NodePolicyState.EMPTY, state);
        EndpointAuthConfig cfg = new EndpointAuthConfig(peers.get(self), tds, EndpointAuthConfig.DEFAULT_PORT, peers,
                Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMinutes(10));
        EndpointAuth auth = new EndpointAuth(cfg, id -> issue(tds, id), () -> BundleSet.of(ca.bundle()), dp.auth(),
                InstantSource.system(), log);
        started.add(auth);
        return new Node(dp, ifindex, auth);
    }

    static Map<String, InetSocketAddress> loopbackPeers() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        return Map.of("n1", new InetSocketAddress(lo, freePort()), "n2", new InetSocketAddress(lo, freePort()));
    }

    @Test
    void bothNodesPreAuthenticateSoTheFirstPacketsPass() throws Exception {
        Map<String, InetSocketAddress> peers = loopbackPeers();
        Node n1 = node("shop/web", S1, "n1", peers);
        Node n2 = node("shop/db", S2, "n2", peers);
        n1.auth().start();
        n2.auth().start();
        FlowTuple first = new FlowTuple(WEB_TO_DB.saddr(), WEB_TO_DB.daddr(), Protocols.TCP, 39_999, 5432);
        assertEquals(Reason.AUTH_REQUIRED, n1.datapath().model().process(n1.ifindex(), Direction.EGRESS, first), "before any handshake");

        n1.auth().onState(S1);
        n2.auth().onState(S2);
        awaitEntry(n1.datapath(), AuthKey.spiffe(1001, 1002));
        awaitEntry(n2.datapath(), AuthKey.spiffe(1002, 1001));

        assertEquals(Reason.ALLOWED_NEW, n1.datapath().model().process(n1.ifindex(), Direction.EGRESS, WEB_TO_DB), "web's egress");
        assertEquals(Reason.ALLOWED_NEW, n2.datapath().model().process(n2.ifindex(), Direction.INGRESS, WEB_TO_DB), "db's ingress");
    }

    @Test
    void anAuthRequiredDropRetriesAPairWhosePeerWasNotUpYet() throws Exception {
        Map<String, InetSocketAddress> peers = loopbackPeers();
        java.util.concurrent.BlockingQueue<String> log = new java.util.concurrent.LinkedBlockingQueue<>();
        Node n1 = node("shop/web", S1, "n1", peers, log::add);
        // n2's own policy needs no authentication, so only n1 ever dials.
        NodePolicyState plain = new NodePolicyState(1, IPCACHE, NODES, Map.of("shop/db", new NodePolicyState.EndpointPolicy(
                1002, List.of("10.0.2.1"), MapState.builder().put(PolicyKey.l3(1001, Direction.INGRESS), PolicyEntry.ALLOW).build())));
        Node n2 = node("shop/db", plain, "n2", peers);
        n1.auth().start();
        n1.auth().onState(S1);
        String first = log.take();
        assertTrue(first.contains("Unreachable"), "n2 is not listening yet: " + first);
        assertEquals(Reason.AUTH_REQUIRED, n1.datapath().model().process(n1.ifindex(), Direction.EGRESS, WEB_TO_DB));

        n2.auth().start();
        n2.auth().onState(plain); // n2 now answers for its endpoint's identity
        n1.auth().onAuthRequiredDrop(); // as the agent does for a flow event with reason AUTH_REQUIRED
        awaitEntry(n1.datapath(), AuthKey.spiffe(1001, 1002));
        FlowTuple next = new FlowTuple(WEB_TO_DB.saddr(), WEB_TO_DB.daddr(), Protocols.TCP, 40_001, 5432);
        assertEquals(Reason.ALLOWED_NEW, n1.datapath().model().process(n1.ifindex(), Direction.EGRESS, next));
    }

    /** Waits for the asynchronous pre-authentication (no timing is asserted; the class timeout bounds it). */
    private static void awaitEntry(ModelNodeDatapath dp, AuthKey key) throws InterruptedException {
        while (dp.auth().expiry(key).isEmpty()) {
            Thread.sleep(20);
        }
        assertTrue(dp.auth().expiry(key).isPresent());
    }
}
