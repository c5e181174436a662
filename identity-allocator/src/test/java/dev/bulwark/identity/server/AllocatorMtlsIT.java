package dev.bulwark.identity.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.identity.client.IdentityClient;
import dev.bulwark.mesh.bundle.BundleSet;
import dev.bulwark.mesh.ca.AuthorityStore;
import dev.bulwark.mesh.ca.CaSettings;
import dev.bulwark.mesh.ca.CertificateAuthority;
import dev.bulwark.mesh.ca.KeyAlgorithm;
import dev.bulwark.mesh.ca.bouncycastle.BouncyCastleCertificateSigner;
import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.spiffe.TrustDomain;
import dev.bulwark.mesh.tls.MeshTls;
import dev.bulwark.mesh.tls.PeerCheck;
import dev.bulwark.mesh.tls.X509Svid;
import dev.bulwark.model.LabelSet;
import dev.bulwark.testkit.ManualClock;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IdentityService on mTLS (real gRPC on loopback, a real one-replica Ratis group): a client with a
 * valid node SVID of the trusted domain is served; without a certificate, with an SVID of another trust
 * domain, or with an expired SVID, the TLS handshake fails and no call reaches the store.
 */
class AllocatorMtlsIT {

    static final TrustDomain TD = TrustDomain.parse("cluster-a.example");
    static final TrustDomain OTHER = TrustDomain.parse("cluster-b.example");
    static final IdentityClient.Options NO_RETRY = new IdentityClient.Options(Duration.ofSeconds(10), Duration.ZERO,
            Duration.ofMillis(50), Duration.ofMillis(50));

    final SecureRandom random = new SecureRandom();
    // The CA's clock: moved back to issue an SVID that has already expired by the time it is used.
    final ManualClock caClock = new ManualClock(Instant.now());
    final List<AutoCloseable> open = new ArrayList<>();
    CertificateAuthority ca;
    IdentityAllocatorServer server;
    String address;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        caClock.set(Instant.now().minus(Duration.ofHours(3)));
        ca = authority(TD);
        caClock.set(Instant.now());
        X509Svid serving = svid(ca, new SpiffeId(TD, "/bulwark/allocator"));
        MeshTls tls = new MeshTls(() -> serving, () -> BundleSet.of(ca.bundle()), PeerCheck.trustDomains(Set.of(TD)),
                InstantSource.system());
        IdentityAllocatorConfig config = IdentityAllocatorConfig.loopbackCluster(1, dir, 1).getFirst();
        server = IdentityAllocatorServer.start(config, InstantSource.system(), tls.serverCredentials(true));
        open.add(server);
        address = config.self().grpcAddress();
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!server.isLeader() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    CertificateAuthority authority(TrustDomain td) {
        return new CertificateAuthority(CaSettings.defaults(td, "test"), new BouncyCastleCertificateSigner(),
                AuthorityStore.inMemory(), caClock, random);
    }

    X509Svid svid(CertificateAuthority issuer, SpiffeId id) {
        return X509Svid.issue(issuer, id, KeyAlgorithm.EC_P256, Duration.ofHours(1), random);
    }

    IdentityClient client(X509Svid presented) {
        MeshTls tls = new MeshTls(presented == null ? null : () -> presented, () -> BundleSet.of(ca.bundle()),
                PeerCheck.exactly(new SpiffeId(TD, "/bulwark/allocator")), InstantSource.system());
        IdentityClient c = IdentityClient.connect(List.of(address), NO_RETRY, tls.channelCredentials());
        open.add(c);
        return c;
    }

    static final List<LabelSet> WEB = List.of(LabelSet.parse(List.of("k8s:app=web")));

    @Test
    void aClientWithAValidNodeSvidIsServed() {
        IdentityClient c = client(svid(ca, SpiffeId.ofNode(TD, "node-1")));
        int id = c.allocate("node-1", WEB).getAllocations(0).getId();
        assertEquals(id, c.lookup(WEB.getFirst()).orElseThrow().getId());
    }

    @Test
    void aClientWithoutACertificateIsRefused() {
        assertRefused(client(null));
    }

    @Test
    void aClientOfAnotherTrustDomainIsRefused() {
        X509Svid foreign = svid(authority(OTHER), SpiffeId.ofNode(OTHER, "node-1"));
        assertRefused(client(foreign));
    }

    @Test
    void aClientWithAnExpiredSvidIsRefused() {
        caClock.set(Instant.now().minus(Duration.ofHours(2)));
        X509Svid expired = svid(ca, SpiffeId.ofNode(TD, "node-1"));
        caClock.set(Instant.now());
        assertRefused(client(expired));
    }

    @Test
    void aPlaintextClientIsRefused() {
        IdentityClient c = IdentityClient.connect(List.of(address), NO_RETRY, InsecureChannelCredentials.create());
        open.add(c);
        assertRefused(c);
    }

    void assertRefused(IdentityClient c) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> c.allocate("node-1", WEB));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
        // Nothing reached the store: no identity and no lease for the refused caller.
        assertTrue(server.table().byLabels(WEB.getFirst()).isEmpty(), "an identity was allocated for a refused client");
        assertTrue(server.table().lease("node-1").isEmpty(), "a lease was created for a refused client");
    }
}
