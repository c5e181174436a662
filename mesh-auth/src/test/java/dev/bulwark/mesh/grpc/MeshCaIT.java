package dev.bulwark.mesh.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.bulwark.mesh.bundle.BundleSet;
import dev.bulwark.mesh.bundle.TrustBundle;
import dev.bulwark.mesh.ca.AllowListAuthorizer;
import dev.bulwark.mesh.ca.AuthorityStore;
import dev.bulwark.mesh.ca.CaSettings;
import dev.bulwark.mesh.ca.CertificateAuthority;
import dev.bulwark.mesh.ca.KeyAlgorithm;
import dev.bulwark.mesh.ca.bouncycastle.BouncyCastleCertificateSigner;
import dev.bulwark.mesh.server.MeshCaConfig;
import dev.bulwark.mesh.server.MeshCaServer;
import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.spiffe.TrustDomain;
import dev.bulwark.mesh.tls.MeshTls;
import dev.bulwark.mesh.tls.PeerCheck;
import dev.bulwark.mesh.tls.PeerValidation;
import dev.bulwark.mesh.tls.SvidValidator;
import dev.bulwark.mesh.tls.X509Svid;
import dev.bulwark.model.NumericIdentity;
import dev.bulwark.proto.meshca.v1.MeshCAGrpc;
import dev.bulwark.proto.meshca.v1.SignSvidRequest;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MeshCA over real gRPC on loopback with mTLS. */
class MeshCaIT {

    final TrustDomain td = TrustDomain.parse("cluster-a.example");
    final SecureRandom random = new SecureRandom();
    final BouncyCastleCertificateSigner signer = new BouncyCastleCertificateSigner();
    final List<ManagedChannel> channels = new ArrayList<>();
    final List<AutoCloseable> closeables = new ArrayList<>();
    @TempDir
    Path dir;
    MeshCaServer server;

    @BeforeEach
    void start() throws Exception {
        MeshCaConfig config = new MeshCaConfig(CaSettings.defaults(td, "a"), dir.resolve("ca"), "127.0.0.1", 0, 0.001, 5);
        AllowListAuthorizer allow = new AllowListAuthorizer(Map.of("node-1",
                Set.of(SpiffeId.ofIdentity(td, NumericIdentity.of(4242)))));
        server = new MeshCaServer(config, allow, () -> BundleSet.EMPTY, InstantSource.system(), random);
        closeables.add(server);
    }

    @AfterEach
    void stop() throws Exception {
        channels.forEach(ManagedChannel::shutdownNow);
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
    }

    ManagedChannel channel(int port, X509Svid svid, BundleSet bundles) {
        MeshTls tls = new MeshTls(svid == null ? null : () -> svid, () -> bundles,
                PeerCheck.trustDomains(Set.of(td)), InstantSource.system());
        ManagedChannel ch = Grpc.newChannelBuilderForAddress("127.0.0.1", port, tls.channelCredentials()).build();
        channels.add(ch);
        return ch;
    }

    X509Svid attest(String node) {
        String token = server.joinTokens().issue(node, Duration.ofMinutes(10));
        return new MeshCaClient(channel(server.port(), null, server.ownBundle()), signer, KeyAlgorithm.EC_P256, random)
                .attestWithJoinToken(td, node, token);
    }

    static Status.Code code(Runnable r) {
        return assertThrows(StatusRuntimeException.class, r::run).getStatus().getCode();
    }

    @Test
    void keysOnDiskAreOwnerOnly() throws Exception {
        try (Stream<Path> files = Files.walk(dir.resolve("ca"))) {
            for (Path p : files.toList()) {
                String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                assertEquals(Files.isDirectory(p) ? "rwx------" : "rw-------", perms, p.toString());
            }
        }
        try (Stream<Path> files = Files.walk(dir.resolve("ca"))) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().equals("intermediate.key")));
        }
    }

    @Test
    void nodeAttestsWithAOneTimeTokenThenGetsOnlyTheIdentitiesItMayHold() {
        X509Svid node = attest("node-1");
        assertEquals(SpiffeId.ofNode(td, "node-1"), node.id());
        assertInstanceOf(PeerValidation.Valid.class,
                new SvidValidator(InstantSource.system()).validate(node.chain(), server.ownBundle()));

        MeshCaClient client = new MeshCaClient(channel(server.port(), node, server.ownBundle()), signer,
                KeyAlgorithm.EC_P256, random);
        X509Svid svid = client.signIdentity(td, NumericIdentity.of(4242), Duration.ZERO);
        assertEquals(SpiffeId.ofIdentity(td, NumericIdentity.of(4242)), svid.id());

        StatusRuntimeException denied = assertThrows(StatusRuntimeException.class,
                () -> client.signIdentity(td, NumericIdentity.of(7), Duration.ZERO));
        assertEquals(Status.Code.PERMISSION_DENIED, denied.getStatus().getCode());
        assertTrue(denied.getStatus().getDescription().contains("may not hold spiffe://cluster-a.example/identity/7"));
    }

    @Test
    void joinTokensAreOneTimeAndBoundToTheNode() {
        String token = server.joinTokens().issue("node-1", Duration.ofMinutes(10));
        MeshCaClient anonymous = new MeshCaClient(channel(server.port(), null, server.ownBundle()), signer,
                KeyAlgorithm.EC_P256, random);
        StatusRuntimeException wrongNode = assertThrows(StatusRuntimeException.class,
                () -> anonymous.attestWithJoinToken(td, "node-2", token));
        assertEquals(Status.Code.PERMISSION_DENIED, wrongNode.getStatus().getCode());
        StatusRuntimeException reused = assertThrows(StatusRuntimeException.class,
                () -> anonymous.attestWithJoinToken(td, "node-1", token));
        assertTrue(reused.getStatus().getDescription().contains("unknown or already used"), reused.getStatus().toString());
    }

    @Test
    void signingWithoutANodeSvidIsUnauthenticated() {
        MeshCaClient anonymous = new MeshCaClient(channel(server.port(), null, server.ownBundle()), signer,
                KeyAlgorithm.EC_P256, random);
        assertEquals(Status.Code.UNAUTHENTICATED, code(() -> anonymous.signIdentity(td, NumericIdentity.of(4242), Duration.ZERO)));
    }

    @Test
    void badCsrsAreRejectedNamingTheField() {
        X509Svid node = attest("node-1");
        var stub = MeshCAGrpc.newBlockingStub(channel(server.port(), node, server.ownBundle()));
        KeyPair kp = KeyAlgorithm.EC_P256.generate(random);
        SpiffeId id = SpiffeId.ofIdentity(td, NumericIdentity.of(4242));

        byte[] tampered = signer.createRequest(kp, id);
        tampered[tampered.length - 5] ^= 1;
        byte[] wrongId = signer.createRequest(kp, SpiffeId.ofIdentity(td, NumericIdentity.of(7)));
        Map<String, byte[]> cases = Map.of(
                "not a DER PKCS#10", "garbage".getBytes(),
                "exceeds the limit of 16384", new byte[16 * 1024 + 1],
                "does not match the requested identity", wrongId,
                "signature", tampered);
        cases.forEach((expected, csr) -> {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.signSvid(SignSvidRequest.newBuilder()
                    .setIdentity(4242).setCsrDer(ByteString.copyFrom(csr)).build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), expected);
            assertTrue(e.getStatus().getDescription().startsWith("csr_der: "), e.getStatus().getDescription());
            assertTrue(e.getStatus().getDescription().contains(expected), e.getStatus().getDescription());
        });
    }

    @Test
    void callersAreRateLimited() {
        X509Svid node = attest("node-1");
        MeshCaClient client = new MeshCaClient(channel(server.port(), node, server.ownBundle()), signer,
                KeyAlgorithm.EC_P256, random);
        for (int i = 0; i < 5; i++) {
            client.signIdentity(td, NumericIdentity.of(4242), Duration.ZERO);
        }
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, code(() -> client.signIdentity(td, NumericIdentity.of(4242), Duration.ZERO)));
    }

    @Test
    void bundleWatchDeliversRotations() throws Exception {
        X509Svid node = attest("node-1");
        MeshCaClient client = new MeshCaClient(channel(server.port(), node, server.ownBundle()), signer,
                KeyAlgorithm.EC_P256, random);
        LinkedBlockingQueue<TrustBundle> seen = new LinkedBlockingQueue<>();
        client.watchBundles(seen::add, t -> { });
        TrustBundle first = seen.poll(10, TimeUnit.SECONDS);
        assertEquals(server.authority().bundle(), first);
        server.authority().rotate();
        TrustBundle next = seen.poll(10, TimeUnit.SECONDS);
        assertEquals(first.sequence() + 1, next.sequence());
        assertEquals(2, next.authorities().size());
    }

    @Test
    void anMtlsServerRefusesClientsWithoutAValidSvid() throws Exception {
        X509Svid node = attest("node-1");
        // A control-plane server (here MeshCA's service again) that requires client SVIDs, as the
        // allocator and distributor run.
        CertificateAuthority ca = server.authority();
        X509Svid serving = attest("server-1");
        MeshTls serverTls = new MeshTls(() -> serving, () -> BundleSet.of(ca.bundle()), PeerCheck.trustDomains(Set.of(td)),
                InstantSource.system());
        Server required = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), serverTls.serverCredentials(true))
                .addService(ServerInterceptors.intercept(new MeshCAGrpc.MeshCAImplBase() {
                    @Override
                    public void watchBundles(dev.bulwark.proto.meshca.v1.WatchBundlesRequest request,
                                             io.grpc.stub.StreamObserver<dev.bulwark.proto.meshca.v1.TrustBundle> response) {
                        response.onNext(MeshCaService.encode(ca.bundle()));
                        response.onCompleted();
                    }
                }, new PeerIdentity())).build().start();
        closeables.add(() -> required.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        var request = dev.bulwark.proto.meshca.v1.WatchBundlesRequest.getDefaultInstance();

        // With a valid node SVID: served.
        var ok = MeshCAGrpc.newBlockingStub(channel(required.getPort(), node, server.ownBundle())).watchBundles(request);
        assertEquals(td.name(), ok.next().getTrustDomain());

        // Without an SVID: the handshake fails.
        StatusRuntimeException none = assertThrows(StatusRuntimeException.class,
                () -> MeshCAGrpc.newBlockingStub(channel(required.getPort(), null, server.ownBundle())).watchBundles(request).next());
        assertEquals(Status.Code.UNAVAILABLE, none.getStatus().getCode());

        // With an SVID of a CA this server does not trust (same trust domain name, other keys): refused.
        CertificateAuthority rogue = new CertificateAuthority(CaSettings.defaults(td, "rogue"), signer,
                AuthorityStore.inMemory(), InstantSource.system(), random);
        KeyPair kp = KeyAlgorithm.EC_P256.generate(random);
        var rogueSvid = rogue.issue(SpiffeId.ofNode(td, "node-1"), kp.getPublic(), Duration.ZERO);
        X509Svid forged = new X509Svid(rogueSvid.id(), rogueSvid.chain(), kp.getPrivate());
        StatusRuntimeException bad = assertThrows(StatusRuntimeException.class,
                () -> MeshCAGrpc.newBlockingStub(channel(required.getPort(), forged, server.ownBundle())).watchBundles(request).next());
        assertEquals(Status.Code.UNAVAILABLE, bad.getStatus().getCode());
    }
}
