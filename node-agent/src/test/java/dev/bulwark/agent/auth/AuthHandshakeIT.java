package dev.bulwark.agent.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.agent.datapath.AuthKey;
import dev.bulwark.agent.datapath.DatapathConfig;
import dev.bulwark.agent.datapath.FlowTuple;
import dev.bulwark.agent.datapath.InMemoryAuthMap;
import dev.bulwark.agent.datapath.ModelDatapath;
import dev.bulwark.agent.datapath.Reason;
import dev.bulwark.agent.policy.MapDiff;
import dev.bulwark.agent.sync.NodePolicyState;
import dev.bulwark.mesh.bundle.BundleSet;
import dev.bulwark.mesh.ca.AuthorityStore;
import dev.bulwark.mesh.ca.CaSettings;
import dev.bulwark.mesh.ca.CertificateAuthority;
import dev.bulwark.mesh.ca.KeyAlgorithm;
import dev.bulwark.mesh.ca.bouncycastle.BouncyCastleCertificateSigner;
import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.spiffe.TrustDomain;
import dev.bulwark.mesh.tls.X509Svid;
import dev.bulwark.model.Cidr;
import dev.bulwark.model.IdentityLayout;
import dev.bulwark.model.NumericIdentity;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.model.policy.Protocols;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Agents in this JVM run the endpoint-auth handshake over loopback TLS 1.3 with SVIDs from real
 * in-process CAs of two trust domains: both sides write the entry with the earlier certificate expiry;
 * a wrong identity, an identity claimed from the wrong trust domain and an unfederated trust domain are
 * refused; federation (both bundles) lets the clusters authenticate; pre-authentication makes the model
 * datapath pass the first packet.
 */
@org.junit.jupiter.api.Timeout(value = 120, unit = java.util.concurrent.TimeUnit.SECONDS)
class AuthHandshakeIT {

    static final TrustDomain TD_A = TrustDomain.parse("cluster-a.example");
    static final TrustDomain TD_B = TrustDomain.parse("cluster-b.example");
    static final int B_WEB = (2 << 16) + 10; // an identity of cluster 2 (trust domain B)
    static final TrustDomains MESH_A = new TrustDomains(TD_A, IdentityLayout.DEFAULT, Map.of(2, TD_B));
    static final TrustDomains MESH_B = new TrustDomains(TD_B, IdentityLayout.DEFAULT, Map.of(0, TD_A, 2, TD_B));
    static final SecureRandom RANDOM = new SecureRandom();
    static final CertificateAuthority CA_A = ca(TD_A);
    static final CertificateAuthority CA_B = ca(TD_B);

    private final List<Agent> agents = new ArrayList<>();

    static CertificateAuthority ca(TrustDomain td) {
        return new CertificateAuthority(CaSettings.defaults(td, td.name()), new BouncyCastleCertificateSigner(),
                AuthorityStore.inMemory(), InstantSource.system(), RANDOM);
    }

    static X509Svid issue(CertificateAuthority ca, SpiffeId id, Duration ttl) {
        return X509Svid.issue(ca, id, KeyAlgorithm.EC_P256, ttl, RANDOM);
    }

    /** One node agent's auth side. */
    final class Agent {
        final InMemoryAuthMap auth;
        final IdentitySvids svids;
        final AtomicReference<AuthDemand> demand = new AtomicReference<>(AuthDemand.NONE);
        final AtomicReference<BundleSet> bundles;
        final AuthHandshake handshake;
        final InetSocketAddress address;

        Agent(TrustDomains tds, IntFunction<X509Svid> issuer, BundleSet trusted, InMemoryAuthMap auth) throws Exception {
            this.auth = auth;
            this.svids = new IdentitySvids(issuer::apply, InstantSource.system());
            this.bundles = new AtomicReference<>(trusted);
            this.handshake = new AuthHandshake(tds, svids, bundles::get, auth, demand::get, InstantSource.system(), Duration.ofSeconds(10));
            this.address = handshake.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            agents.add(this);
        }

        Agent holding(int... identities) {
            for (int i : identities) {
                svids.hold(i);
            }
            return this;
        }

        Agent expecting(int local, int remote) {
            demand.set(new AuthDemand(Set.of(new AuthDemand.Pair(local, remote)), Set.of()));
            return this;
        }
    }

    Agent clusterA(IntFunction<X509Svid> issuer) throws Exception {
        return new Agent(MESH_A, issuer, BundleSet.of(CA_A.bundle()), new InMemoryAuthMap());
    }

    static IntFunction<X509Svid> issuedBy(CertificateAuthority ca, TrustDomains tds, Duration ttl) {
        return id -> issue(ca, tds.spiffeId(id), ttl);
    }

    @AfterEach
    void close() {
        agents.forEach(a -> a.handshake.close());
    }

    @Test
    void twoAgentsAuthenticateAndBothWriteTheEntryWithTheEarlierCertificateExpiry() throws Exception {
        Agent n1 = clusterA(issuedBy(CA_A, MESH_A, Duration.ofHours(1))).holding(1001).expecting(1001, 1002);
        Agent n2 = clusterA(issuedBy(CA_A, MESH_A, Duration.ofMinutes(20))).holding(1002).expecting(1002, 1001);
        Instant shorter = n2.svids.svid(1002).orElseThrow().notAfter();
        assertTrue(shorter.isBefore(n1.svids.svid(1001).orElseThrow().notAfter()));

        AuthOutcome o = n1.handshake.authenticate(1001, 1002, n2.address);

        assertEquals(new AuthOutcome.Authenticated(AuthKey.spiffe(1001, 1002), shorter), o);
        assertEquals(Map.of(AuthKey.spiffe(1001, 1002), shorter), n1.auth.read());
        assertEquals(Map.of(AuthKey.spiffe(1002, 1001), shorter), n2.auth.read(), "the server side writes its own entry");
    }

    @Test
    void theServerWritesOnlyPairsItsPolicyExpectsButStillAnswers() throws Exception {
        Agent n1 = clusterA(issuedBy(CA_A, MESH_A, Duration.ZERO)).holding(1001);
        Agent n2 = clusterA(issuedBy(CA_A, MESH_A, Duration.ZERO)).holding(1002);
        assertInstanceOf(AuthOutcome.Authenticated.class, n1.handshake.authenticate(1001, 1002, n2.address));
        assertEquals(Map.of(), n2.auth.read(), "no policy on n2 needs (1002, 1001)");
    }

    @Test
    void aPeerPresentingAnotherIdentityIsRefusedAndAHeldEntryRemoved() throws Exception {
        Agent n1 = clusterA(issuedBy(CA_A, MESH_A, Duration.ZERO)).holding(1001).expecting(1001, 1002);
        // n2's SVID source is wrong (or n2 lies): asked for 1002 it presents 1003's SVID.
        Agent n2 = clusterA(id -> issue(CA_A, MESH_A.spiffeId(id == 1002 ? 1003 : id), Duration.ZERO)).holding(1002);
        n1.auth.put(AuthKey.spiffe(1001, 1002), Instant.now().plusSeconds(600));

        AuthOutcome o = n1.handshake.authenticate(1001, 1002, n2.address);

        AuthOutcome.Refused r = assertInstanceOf(AuthOutcome.Refused.class, o);
        assertTrue(r.reason().contains("expected spiffe://cluster-a.example/identity/1002"), r.reason());
        assertEquals(Map.of(), n1.auth.read(), "the old entry is gone");
        assertEquals(Map.of(), n2.auth.read());
    }

    @Test
    void aClientClaimingAnIdentityOfAnotherTrustDomainIsRefusedByTheServer() throws Exception {
        // Cluster B's CA signs "spiffe://cluster-b.example/identity/1001", but 1001 is cluster A's identity.
        Agent liar = new Agent(MESH_A, id -> issue(CA_B, SpiffeId.ofIdentity(TD_B, NumericIdentity.of(id)), Duration.ZERO),
                BundleSet.of(CA_A.bundle(), CA_B.bundle()), new InMemoryAuthMap()).holding(1001);
        Agent n2 = new Agent(MESH_A, issuedBy(CA_A, MESH_A, Duration.ZERO), BundleSet.of(CA_A.bundle(), CA_B.bundle()),
                new InMemoryAuthMap()).holding(1002).expecting(1002, 1001);

        AuthOutcome o = liar.handshake.authenticate(1001, 1002, n2.address);

        assertInstanceOf(AuthOutcome.Refused.class, o, o.toString());
        assertEquals(Map.of(), n2.auth.read());
        assertEquals(Map.of(), liar.auth.read());
    }

    @Test
    void clustersAuthenticateAcrossTrustDomainsOnlyThroughFederatedBundles() throws Exception {
        Agent a = clusterA(issuedBy(CA_A, MESH_A, Duration.ZERO)).holding(1001).expecting(1001, B_WEB);
        Agent b = new Agent(MESH_B, issuedBy(CA_B, MESH_B, Duration.ZERO), BundleSet.of(CA_B.bundle()), new InMemoryAuthMap())
                .holding(B_WEB).expecting(B_WEB, 1001);

        AuthOutcome unfederated = a.handshake.authenticate(1001, B_WEB, b.address);
        AuthOutcome.Refused r = assertInstanceOf(AuthOutcome.Refused.class, unfederated);
        assertTrue(r.reason().contains("cluster-b.example"), r.reason());
        assertEquals(Map.of(), a.auth.read());
        assertEquals(Map.of(), b.auth.read());

        a.bundles.set(a.bundles.get().with(CA_B.bundle())); // each side federates with the other
        b.bundles.set(b.bundles.get().with(CA_A.bundle()));
        AuthOutcome federated = a.handshake.authenticate(1001, B_WEB, b.address);

        AuthOutcome.Authenticated ok = assertInstanceOf(AuthOutcome.Authenticated.class, federated, federated.toString());
        assertEquals(Map.of(AuthKey.spiffe(1001, B_WEB), ok.expiry()), a.auth.read());
        assertEquals(Map.of(AuthKey.spiffe(B_WEB, 1001), ok.expiry()), b.auth.read());
    }

    @Test
    void anUnreachablePeerChangesNothing() throws Exception {
        Agent n1 = clusterA(issuedBy(CA_A, MESH_A, Duration.ZERO)).holding(1001);
        n1.auth.put(AuthKey.spiffe(1001, 1002), Instant.now().plusSeconds(600));
        // A bound socket that does not listen: its port refuses connections and no other test can take it.
        try (java.net.Socket holder = new java.net.Socket()) {
            holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            InetSocketAddress down = new InetSocketAddress(InetAddress.getLoopbackAddress(), holder.getLocalPort());
            AuthOutcome o = n1.handshake.authenticate(1001, 1002, down);
            assertInstanceOf(AuthOutcome.Unreachable.class, o, o.toString());
        }
        assertEquals(1, n1.auth.read().size(), "an outage does not revoke");
    }

    @Test
    void preAuthenticationLetsTheFirstPacketThrough() throws Exception {
        ModelDatapath dp = new ModelDatapath(DatapathConfig.DEFAULT, InstantSource.system(), e -> { });
        MapState web = MapState.builder()
                .put(PolicyKey.l4(1002, Direction.EGRESS, Protocols.TCP, 5432), new PolicyEntry(false, 0, true, "")).build();
        NodePolicyState state = new NodePolicyState(1, Map.of(Cidr.parse("10.0.2.1/32"), 1002),
                Map.of(Cidr.parse("10.0.2.1/32"), "n2"),
                Map.of("shop/web", new NodePolicyState.EndpointPolicy(1001, List.of("10.0.1.1"), web)));
        Agent n1 = new Agent(MESH_A, issuedBy(CA_A, MESH_A, Duration.ZERO), BundleSet.of(CA_A.bundle()), dp.auth());
        n1.demand.set(AuthDemand.of(state));
        Agent n2 = clusterA(issuedBy(CA_A, MESH_A, Duration.ZERO)).holding(1002);
        dp.endpoint(4).apply(MapDiff.between(MapState.EMPTY, web));
        dp.setEndpointIdentity(4, 1001);
        dp.ipcache().apply(MapDiff.ipcache(Map.of(), state.ipcache()));
        PreAuthentication pre = new PreAuthentication(n1.handshake, n1.svids, dp.auth(),
                node -> node.equals("n2") ? Optional.of(n2.address) : Optional.empty(), InstantSource.system(), Duration.ofMinutes(5));

        Map<AuthDemand.Target, AuthOutcome> ran = pre.run(state);

        AuthDemand.Target target = new AuthDemand.Target(new AuthDemand.Pair(1001, 1002), "n2");
        assertInstanceOf(AuthOutcome.Authenticated.class, ran.get(target), ran.toString());
        assertEquals(Set.of(1001), n1.svids.held(), "the SVIDs held follow the node's endpoints");
        FlowTuple first = new FlowTuple(FlowTuple.ipv4("10.0.1.1"), FlowTuple.ipv4("10.0.2.1"), Protocols.TCP, 40_000, 5432);
        assertEquals(Reason.ALLOWED_NEW, dp.process(4, Direction.EGRESS, first), "the first packet is not dropped");
        assertEquals(Map.of(), pre.run(state), "a live entry is not authenticated again");

        dp.auth().put(AuthKey.spiffe(1001, 4242), Instant.now().plusSeconds(600)); // no policy needs this pair
        pre.run(state);
        assertEquals(Set.of(AuthKey.spiffe(1001, 1002)), dp.auth().read().keySet(), "entries no policy needs are collected");
        pre.run(new NodePolicyState(2, state.ipcache(), state.ipcacheNodes(), Map.of()));
        assertEquals(Map.of(), dp.auth().read(), "the endpoint left: its entries go");
        assertEquals(Set.of(), n1.svids.held(), "and so does its SVID");
    }
}
