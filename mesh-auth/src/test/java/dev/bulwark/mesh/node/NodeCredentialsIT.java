package dev.bulwark.mesh.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.mesh.bundle.BundleSet;
import dev.bulwark.mesh.ca.AllowListAuthorizer;
import dev.bulwark.mesh.ca.CaSettings;
import dev.bulwark.mesh.ca.KeyAlgorithm;
import dev.bulwark.mesh.server.MeshCaConfig;
import dev.bulwark.mesh.server.MeshCaServer;
import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.spiffe.TrustDomain;
import dev.bulwark.mesh.tls.PeerValidation;
import dev.bulwark.mesh.tls.SvidValidator;
import dev.bulwark.mesh.tls.X509Svid;
import dev.bulwark.model.NumericIdentity;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Agent bootstrap against a real MeshCA on loopback: join token -> node SVID -> renewal and bundle watch. */
class NodeCredentialsIT {

    final TrustDomain td = TrustDomain.parse("cluster-a.example");
    final SecureRandom random = new SecureRandom();
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    MeshCaServer ca;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        ca = new MeshCaServer(new MeshCaConfig(CaSettings.defaults(td, "a"), dir.resolve("ca"), "127.0.0.1", 0, 100, 20),
                new AllowListAuthorizer(Map.of("node-1", Set.of(SpiffeId.ofIdentity(td, NumericIdentity.of(4242))))),
                () -> BundleSet.EMPTY, InstantSource.system(), random);
    }

    @AfterEach
    void stop() throws Exception {
        scheduler.shutdownNow();
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
        ca.close();
    }

    NodeBootstrap bootstrap(String token) {
        return new NodeBootstrap("127.0.0.1", ca.port(), "node-1", token, ca.ownBundle(), td, KeyAlgorithm.EC_P256,
                Duration.ofSeconds(1));
    }

    @Test
    void aJoinTokenBuysANodeSvidThatRenewsAtHalfLifeWithJitterAndSignsIdentities() {
        try (NodeCredentials node = NodeCredentials.bootstrap(bootstrap(ca.joinTokens().issue("node-1", Duration.ofMinutes(5))),
                InstantSource.system(), random, scheduler)) {
            X509Svid first = node.svid();
            assertEquals(SpiffeId.ofNode(td, "node-1"), first.id());
            assertTrue(new SvidValidator(InstantSource.system()).validate(first.chain(), ca.ownBundle()) instanceof PeerValidation.Valid);

            Instant notBefore = first.leaf().getNotBefore().toInstant();
            Duration life = Duration.between(notBefore, first.notAfter());
            Duration untilRenewal = Duration.between(notBefore, node.renewAt());
            assertTrue(untilRenewal.compareTo(life.multipliedBy(4).dividedBy(10)) >= 0
                    && untilRenewal.compareTo(life.multipliedBy(6).dividedBy(10)) <= 0,
                    "renewal at " + untilRenewal + " of a " + life + " lifetime is not half-life +-10 %");

            X509Svid renewed = node.renew();
            assertEquals(first.id(), renewed.id());
            assertNotEquals(first.leaf().getPublicKey(), renewed.leaf().getPublicKey(), "renewal must certify a new key");
            assertEquals(renewed, node.svid());

            // The renewed SVID authenticates: MeshCA signs an identity SVID for this node over it.
            X509Svid identity = node.meshCa().signIdentity(td, NumericIdentity.of(4242), Duration.ZERO);
            assertEquals(SpiffeId.ofIdentity(td, NumericIdentity.of(4242)), identity.id());
        }
    }

    @Test
    void bootstrapWaitsForACaThatIsNotListeningYet() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        MeshCaServer later = new MeshCaServer(new MeshCaConfig(CaSettings.defaults(td, "a"), dir.resolve("ca-later"), "127.0.0.1",
                port, 100, 20), new AllowListAuthorizer(Map.of()), () -> BundleSet.EMPTY, InstantSource.system(), random);
        String token = later.joinTokens().issue("node-1", Duration.ofMinutes(5));
        BundleSet trusted = later.ownBundle();
        later.close();
        var attempt = java.util.concurrent.CompletableFuture.supplyAsync(() -> NodeCredentials.bootstrap(
                new NodeBootstrap("127.0.0.1", port, "node-1", token, trusted, td, KeyAlgorithm.EC_P256, Duration.ofMillis(200)),
                InstantSource.system(), random, scheduler, Duration.ofMinutes(2)));
        // The CA comes up (again, same directory, so the same token and roots) only after the agent has started trying.
        Thread.sleep(500);
        try (MeshCaServer ca2 = new MeshCaServer(new MeshCaConfig(CaSettings.defaults(td, "a"), dir.resolve("ca-later"), "127.0.0.1",
                port, 100, 20), new AllowListAuthorizer(Map.of()), () -> BundleSet.EMPTY, InstantSource.system(), random);
             NodeCredentials node = attempt.get(60, TimeUnit.SECONDS)) {
            assertEquals(SpiffeId.ofNode(td, "node-1"), node.svid().id());
            assertEquals(port, ca2.port());
        }
    }

    @Test
    void aUsedOrForeignTokenIsRefused() {
        String token = ca.joinTokens().issue("node-1", Duration.ofMinutes(5));
        NodeCredentials.bootstrap(bootstrap(token), InstantSource.system(), random, scheduler).close();
        StatusRuntimeException reused = assertThrows(StatusRuntimeException.class,
                () -> NodeCredentials.bootstrap(bootstrap(token), InstantSource.system(), random, scheduler));
        assertEquals(Status.Code.PERMISSION_DENIED, reused.getStatus().getCode());
        String forNode2 = ca.joinTokens().issue("node-2", Duration.ofMinutes(5));
        StatusRuntimeException wrongNode = assertThrows(StatusRuntimeException.class,
                () -> NodeCredentials.bootstrap(bootstrap(forNode2), InstantSource.system(), random, scheduler));
        assertEquals(Status.Code.PERMISSION_DENIED, wrongNode.getStatus().getCode());
    }

    @Test
    void aCaRotationReachesTheAgentThroughTheBundleWatch() throws Exception {
        try (NodeCredentials node = NodeCredentials.bootstrap(bootstrap(ca.joinTokens().issue("node-1", Duration.ofMinutes(5))),
                InstantSource.system(), random, scheduler)) {
            long before = ca.authority().bundle().sequence();
            ca.authority().rotate();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (node.bundles().get(td).orElseThrow().sequence() <= before && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertEquals(ca.authority().bundle(), node.bundles().get(td).orElseThrow());
            assertEquals(2, node.bundles().get(td).orElseThrow().authorities().size());
        }
    }

    @Test
    void renewalWithoutANodeSvidIsUnauthenticated() {
        var anonymous = io.grpc.Grpc.newChannelBuilderForAddress("127.0.0.1", ca.port(),
                new dev.bulwark.mesh.tls.MeshTls(null, ca::ownBundle, dev.bulwark.mesh.tls.PeerCheck.anyValid(),
                        InstantSource.system()).channelCredentials()).build();
        try {
            var client = new dev.bulwark.mesh.grpc.MeshCaClient(anonymous,
                    new dev.bulwark.mesh.ca.bouncycastle.BouncyCastleCertificateSigner(), KeyAlgorithm.EC_P256, random);
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> client.renewNode(td, "node-1"));
            assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
        } finally {
            anonymous.shutdownNow();
        }
    }
}
