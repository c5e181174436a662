package dev.bulwark.agent.datapath.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.agent.auth.AuthDemand;
import dev.bulwark.agent.auth.AuthHandshake;
import dev.bulwark.agent.auth.AuthOutcome;
import dev.bulwark.agent.auth.IdentitySvids;
import dev.bulwark.agent.auth.TrustDomains;
import dev.bulwark.agent.datapath.AuthKey;
import dev.bulwark.agent.datapath.InMemoryAuthMap;
import dev.bulwark.agent.datapath.DatapathConfig;
import dev.bulwark.agent.datapath.FlowTuple;
import dev.bulwark.agent.datapath.Frames;
import dev.bulwark.agent.datapath.ModelDatapath;
import dev.bulwark.agent.datapath.Reason;
import dev.bulwark.agent.netns.PodNetwork;
import dev.bulwark.agent.netns.PortServers;
import dev.bulwark.agent.netns.Probe;
import dev.bulwark.agent.policy.MapDiff;
import dev.bulwark.model.Cidr;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.model.policy.Protocols;
import dev.bulwark.mesh.bundle.BundleSet;
import dev.bulwark.mesh.ca.AuthorityStore;
import dev.bulwark.mesh.ca.CaSettings;
import dev.bulwark.mesh.ca.CertificateAuthority;
import dev.bulwark.mesh.ca.KeyAlgorithm;
import dev.bulwark.mesh.ca.bouncycastle.BouncyCastleCertificateSigner;
import dev.bulwark.mesh.spiffe.TrustDomain;
import dev.bulwark.mesh.tls.X509Svid;
import dev.bulwark.testkit.ManualClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Set;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The auth map in the real program: pod b (identity 1002) accepts a's (1001) TCP/80 only after mutual
 * authentication. Real TCP between two pod namespaces drops with AUTH_REQUIRED until the entry
 * {1002, 1001} is written, passes while it lives, and drops again once it has expired; crafted packets
 * (BPF_PROG_TEST_RUN) give the model datapath's reason for the same map contents; a real TLS handshake
 * between two in-process agents (loopback) writes the kernel entry that lets the connection through.
 */
@org.junit.jupiter.api.Timeout(value = 180, unit = java.util.concurrent.TimeUnit.SECONDS) // never hang CI
class AuthPrivilegedIT {

    private static final Duration WAIT = Duration.ofMillis(700);
    private static final String A = "10.244.3.1";
    private static final String B = "10.244.3.2";
    private static final MapState POLICY_A = MapState.builder().put(PolicyKey.l3(0, Direction.EGRESS), PolicyEntry.ALLOW).build();
    private static final MapState POLICY_B = MapState.builder()
            .put(PolicyKey.l4(1001, Direction.INGRESS, Protocols.TCP, 80), new PolicyEntry(false, 0, true, ""))
            .put(PolicyKey.l4(1001, Direction.INGRESS, Protocols.TCP, 81), PolicyEntry.ALLOW).build();
    private static Path root;
    private static KernelDatapath datapath;
    private static PodNetwork net;
    private static PortServers servers;

    @BeforeAll
    static void setUp() {
        Privileged.assumeKernelDatapath();
        root = Privileged.pinRoot("auth");
        KernelDatapath.destroy(root);
        net = PodNetwork.create("bwa" + ProcessHandle.current().pid() % 100_000);
        net.addPod("a", A);
        PodNetwork.Pod b = net.addPod("b", B);
        servers = new PortServers();
        servers.tcp(b.namespace(), B, 80);
        servers.tcp(b.namespace(), B, 81);
        datapath = KernelDatapath.open(root, DatapathConfig.DEFAULT);
        datapath.ipcache().reconcile(Map.of(Cidr.parse(A + "/32"), 1001, Cidr.parse(B + "/32"), 1002));
        net.node().call(() -> {
            datapath.attach("a", net.pod("a").hostIfindex());
            datapath.attach("b", net.pod("b").hostIfindex());
            return null;
        });
    }

    @BeforeEach
    void policies() {
        datapath.load("a").policy().reconcile(POLICY_A);
        datapath.load("b").policy().reconcile(POLICY_B);
        datapath.auth().read().keySet().forEach(datapath.auth()::remove);
    }

    @AfterAll
    static void tearDown() {
        if (servers != null) {
            servers.close();
        }
        if (net != null) {
            net.close();
        }
        if (datapath != null) {
            datapath.close();
            KernelDatapath.destroy(root);
        }
    }

    private static Probe aToB(int port) {
        return Probe.tcp(net.pod("a").namespace(), A, B, port, WAIT);
    }

    @Test
    void anAuthRequiredFlowDropsBeforeTheEntryPassesWhileItLivesAndDropsAfterItExpires() {
        datapath.load("b").setIdentity(1002);
        assertEquals(1002, datapath.load("b").identity());
        long authDrops = datapath.packetCounts().get(Reason.AUTH_REQUIRED);
        assertFalse(aToB(80).connected(), "no auth entry yet");
        assertTrue(datapath.packetCounts().get(Reason.AUTH_REQUIRED) > authDrops, "dropped as AUTH_REQUIRED");
        assertTrue(aToB(81).connected(), "the plain allow next to it passes");

        datapath.auth().put(AuthKey.spiffe(1001, 1002), Instant.now().plus(Duration.ofHours(1)));
        assertFalse(aToB(80).connected(), "an entry of the other side's (a's identity as local) does not help b");

        datapath.auth().put(AuthKey.spiffe(1002, 1001), Instant.now().plus(Duration.ofHours(1)));
        Probe ok = aToB(80);
        assertTrue(ok.connected(), "authenticated pair passes: " + ok);

        datapath.auth().remove(AuthKey.spiffe(1002, 1001));
        datapath.auth().put(AuthKey.spiffe(1002, 1001), Instant.now().minusSeconds(1));
        assertFalse(aToB(80).connected(), "an expired entry no longer passes new flows");
    }

    @Test
    void withoutTheEndpointsIdentityNoEntryMatches() {
        datapath.load("b").setIdentity(0);
        datapath.auth().put(AuthKey.spiffe(1002, 1001), Instant.now().plus(Duration.ofHours(1)));
        assertFalse(aToB(80).connected());
        datapath.load("b").setIdentity(1002);
        assertTrue(aToB(80).connected());
    }

    @Test
    void kernelAndModelGiveTheSameReasonsForTheSameAuthMap() {
        KernelDatapath.Endpoint b = datapath.load("b");
        b.setIdentity(1002);
        ManualClock clock = new ManualClock(Instant.now());
        ModelDatapath model = new ModelDatapath(DatapathConfig.DEFAULT, clock, e -> { });
        model.ipcache().apply(MapDiff.ipcache(Map.of(), Map.of(Cidr.parse(A + "/32"), 1001, Cidr.parse(B + "/32"), 1002)));
        model.endpoint(9).apply(MapDiff.between(MapState.EMPTY, POLICY_B));
        model.setEndpointIdentity(9, 1002);
        int sport = 30_000;
        Instant[] expiries = {null, clock.instant().plusSeconds(3600), clock.instant().minusSeconds(5)};
        for (Instant expiry : expiries) {
            datapath.auth().remove(AuthKey.spiffe(1002, 1001));
            model.auth().remove(AuthKey.spiffe(1002, 1001));
            if (expiry != null) {
                datapath.auth().put(AuthKey.spiffe(1002, 1001), expiry);
                model.auth().put(AuthKey.spiffe(1002, 1001), expiry);
            }
            for (int port : new int[] {80, 81, 82}) {
                FlowTuple t = new FlowTuple(FlowTuple.ipv4(A), FlowTuple.ipv4(B), Protocols.TCP, sport++, port);
                Reason expected = model.process(9, Direction.INGRESS, t);
                assertEquals(expected, b.testRun(Direction.INGRESS, Frames.ipv4(t)).reason(), "expiry " + expiry + " port " + port);
            }
        }
    }

    @Test
    void aHandshakeBetweenTwoAgentsWritesTheKernelEntryThatOpensThePath() throws Exception {
        datapath.load("b").setIdentity(1002);
        assertFalse(aToB(80).connected());
        TrustDomains tds = TrustDomains.single(TrustDomain.parse("cluster-a.example"));
        SecureRandom random = new SecureRandom();
        CertificateAuthority ca = new CertificateAuthority(CaSettings.defaults(tds.local(), "a"),
                new BouncyCastleCertificateSigner(), AuthorityStore.inMemory(), InstantSource.system(), random);
        IdentitySvids.Issuer issuer = id -> X509Svid.issue(ca, tds.spiffeId(id), KeyAlgorithm.EC_P256, Duration.ZERO, random);
        IdentitySvids svidsOfB = new IdentitySvids(issuer, InstantSource.system());
        svidsOfB.hold(1002);
        IdentitySvids svidsOfA = new IdentitySvids(issuer, InstantSource.system());
        svidsOfA.hold(1001);
        AuthDemand bNeeds = new AuthDemand(Set.of(new AuthDemand.Pair(1002, 1001)), Set.of());
        try (AuthHandshake nodeOfB = new AuthHandshake(tds, svidsOfB, () -> BundleSet.of(ca.bundle()), datapath.auth(),
                () -> bNeeds, InstantSource.system(), Duration.ofSeconds(10));
             AuthHandshake nodeOfA = new AuthHandshake(tds, svidsOfA, () -> BundleSet.of(ca.bundle()), new InMemoryAuthMap(),
                     () -> AuthDemand.NONE, InstantSource.system(), Duration.ofSeconds(10))) {
            InetSocketAddress at = nodeOfB.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            AuthOutcome o = nodeOfA.authenticate(1001, 1002, at);
            AuthOutcome.Authenticated ok = org.junit.jupiter.api.Assertions.assertInstanceOf(AuthOutcome.Authenticated.class, o, o.toString());
            Instant written = datapath.auth().expiry(AuthKey.spiffe(1002, 1001)).orElseThrow();
            assertTrue(Duration.between(written, ok.expiry()).abs().toMillis() < 1000,
                    "the kernel entry expires with the certificates (read back through CLOCK_BOOTTIME): " + written + " vs " + ok.expiry());
            assertTrue(aToB(80).connected(), "authenticated by the handshake");
        }
    }
}
