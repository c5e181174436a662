package dev.bulwark.policy.distribution.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.identity.server.IdentityAllocatorConfig;
import dev.bulwark.identity.server.IdentityAllocatorServer;
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
import dev.bulwark.policy.compile.EngineConfig;
import dev.bulwark.policy.distribution.pipeline.IncrementalEngineCompilation;
import dev.bulwark.policy.distribution.stream.NodeSvidAuthenticator;
import dev.bulwark.proto.policy.v1.Ack;
import dev.bulwark.proto.policy.v1.AgentMessage;
import dev.bulwark.proto.policy.v1.DistributorMessage;
import dev.bulwark.proto.policy.v1.PolicyDistributionGrpc;
import dev.bulwark.proto.policy.v1.Subscribe;
import dev.bulwark.testkit.ManualClock;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane on mTLS, end to end on loopback: an identity allocator and a distributor, each with
 * its own SVID and requiring client SVIDs. The distributor allocates identities over mTLS; an agent with
 * the node SVID of {@code bulwark-dev} gets that node's endpoints. Refused: no certificate, an SVID of
 * another trust domain, an expired SVID (all in the handshake), and a valid node SVID of another node
 * subscribing for {@code bulwark-dev} (UNAUTHENTICATED from the authenticator).
 */
class DistributorMtlsIT {

    static final TrustDomain TD = TrustDomain.parse("cluster-a.example");
    static final TrustDomain OTHER = TrustDomain.parse("cluster-b.example");
    static final String NODE = "bulwark-dev";

    final SecureRandom random = new SecureRandom();
    final ManualClock caClock = new ManualClock(Instant.now());
    final List<AutoCloseable> open = new ArrayList<>();
    CertificateAuthority ca;
    DistributorServer distributor;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        caClock.set(Instant.now().minus(Duration.ofHours(3)));
        ca = authority(TD);
        caClock.set(Instant.now());

        IdentityAllocatorConfig allocatorConfig = IdentityAllocatorConfig.loopbackCluster(1, dir.resolve("identity"), 1).getFirst();
        IdentityAllocatorServer allocator = IdentityAllocatorServer.start(allocatorConfig, InstantSource.system(),
                tls(svid(ca, new SpiffeId(TD, "/bulwark/allocator"))).serverCredentials(true));
        open.add(allocator);

        Path watched = Files.createDirectories(dir.resolve("objects"));
        Files.copy(Path.of("../../examples/00-shop.yaml"), watched.resolve("00-shop.yaml"));
        MeshTls distributorTls = tls(svid(ca, new SpiffeId(TD, "/bulwark/distributor")));
        DistributorConfig config = new DistributorConfig("d1", "127.0.0.1", 0, new DistributorConfig.Directory(watched),
                allocatorConfig.self().grpcAddress(), 16, Duration.ofSeconds(30), Duration.ofMillis(20), Optional.empty());
        distributor = DistributorServer.start(config, new IncrementalEngineCompilation(EngineConfig.DEFAULT),
                new NodeSvidAuthenticator(TD), new TransportSecurity(distributorTls.serverCredentials(true),
                        distributorTls.channelCredentials()));
        open.add(distributor);
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

    MeshTls tls(X509Svid own) {
        return new MeshTls(own == null ? null : () -> own, () -> BundleSet.of(ca.bundle()),
                PeerCheck.trustDomains(Set.of(TD)), InstantSource.system());
    }

    /** Subscribes for {@link #NODE} and acks until a delta carries endpoints; the stream's failure otherwise. */
    CompletableFuture<DistributorMessage> subscribe(ChannelCredentials credentials) {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", distributor.grpcPort(), credentials).build();
        open.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        CompletableFuture<DistributorMessage> withEndpoints = new CompletableFuture<>();
        AtomicReference<StreamObserver<AgentMessage>> requests = new AtomicReference<>();
        requests.set(PolicyDistributionGrpc.newStub(channel).stream(new StreamObserver<>() {
            @Override
            public void onNext(DistributorMessage m) {
                if (!m.hasDelta()) {
                    return;
                }
                if (m.getDelta().getEndpointsCount() > 0) {
                    withEndpoints.complete(m);
                }
                synchronized (requests) {
                    requests.get().onNext(AgentMessage.newBuilder().setAck(Ack.newBuilder().setNonce(m.getDelta().getNonce())
                            .setVersion(m.getDelta().getVersion())).build());
                }
            }

            @Override
            public void onError(Throwable t) {
                withEndpoints.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                withEndpoints.completeExceptionally(new AssertionError("stream completed"));
            }
        }));
        synchronized (requests) {
            requests.get().onNext(AgentMessage.newBuilder().setSubscribe(Subscribe.newBuilder().setNodeName(NODE)
                    .setAgentInstanceId("it")).build());
        }
        return withEndpoints;
    }

    static Status.Code failure(CompletableFuture<DistributorMessage> f) throws Exception {
        try {
            DistributorMessage m = f.get(30, TimeUnit.SECONDS);
            throw new AssertionError("served although it should be refused: " + m.getDelta().getEndpointsList());
        } catch (java.util.concurrent.ExecutionException e) {
            return Status.fromThrowable(e.getCause()).getCode();
        }
    }

    @Test
    void anAgentWithItsNodeSvidGetsItsNodesEndpointsWithIdentitiesAllocatedOverMtls() throws Exception {
        DistributorMessage m = subscribe(tls(svid(ca, SpiffeId.ofNode(TD, NODE))).channelCredentials()).get(60, TimeUnit.SECONDS);
        assertNotNull(m);
        assertTrue(m.getDelta().getEndpointsList().stream().allMatch(e -> e.getIdentity() > 255),
                "endpoints carry allocated identities: " + m.getDelta().getEndpointsList());
    }

    @Test
    void anAgentWithoutACertificateIsRefused() throws Exception {
        assertEquals(Status.Code.UNAVAILABLE, failure(subscribe(tls(null).channelCredentials())));
    }

    @Test
    void aPlaintextAgentIsRefused() throws Exception {
        assertEquals(Status.Code.UNAVAILABLE, failure(subscribe(InsecureChannelCredentials.create())));
    }

    @Test
    void anAgentOfAnotherTrustDomainIsRefused() throws Exception {
        X509Svid foreign = svid(authority(OTHER), SpiffeId.ofNode(OTHER, NODE));
        assertEquals(Status.Code.UNAVAILABLE, failure(subscribe(tls(foreign).channelCredentials())));
    }

    @Test
    void anAgentWithAnExpiredSvidIsRefused() throws Exception {
        caClock.set(Instant.now().minus(Duration.ofHours(2)));
        X509Svid expired = svid(ca, SpiffeId.ofNode(TD, NODE));
        caClock.set(Instant.now());
        assertEquals(Status.Code.UNAVAILABLE, failure(subscribe(tls(expired).channelCredentials())));
    }

    @Test
    void aNodeSvidMaySubscribeForItsOwnNodeOnly() throws Exception {
        X509Svid otherNode = svid(ca, SpiffeId.ofNode(TD, "node-2"));
        assertEquals(Status.Code.UNAUTHENTICATED, failure(subscribe(tls(otherNode).channelCredentials())));
    }
}
