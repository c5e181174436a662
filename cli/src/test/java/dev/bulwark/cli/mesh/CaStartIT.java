package dev.bulwark.cli.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.CliRun;
import dev.bulwark.mesh.bundle.BundleSet;
import dev.bulwark.mesh.bundle.Jwks;
import dev.bulwark.mesh.bundle.TrustBundle;
import dev.bulwark.mesh.ca.KeyAlgorithm;
import dev.bulwark.mesh.ca.bouncycastle.BouncyCastleCertificateSigner;
import dev.bulwark.mesh.federation.FederatedBundles;
import dev.bulwark.mesh.federation.FetchOutcome;
import dev.bulwark.mesh.federation.Relationship;
import dev.bulwark.mesh.grpc.MeshCaClient;
import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.spiffe.TrustDomain;
import dev.bulwark.mesh.tls.MeshTls;
import dev.bulwark.mesh.tls.PeerCheck;
import dev.bulwark.mesh.tls.PeerValidation;
import dev.bulwark.mesh.tls.SvidValidator;
import dev.bulwark.mesh.tls.X509Svid;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark ca start} in-process on loopback: a node attests with a token made by {@code ca token}
 * while the CA runs, and the https_spiffe bundle endpoint serves the bundle {@code ca bundle} prints.
 */
class CaStartIT {

    static final TrustDomain TD = TrustDomain.parse("b.example");

    @TempDir
    Path dir;
    Thread running;
    final AtomicReference<CliRun> result = new AtomicReference<>();

    @AfterEach
    void stop() throws InterruptedException {
        if (running != null) {
            running.interrupt();
            running.join();
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void aRunningCaAcceptsATokenMadeWhileItRunsAndServesItsBundle() throws Exception {
        Path data = dir.resolve("ca");
        int grpcPort = freePort();
        int endpointPort = freePort();
        running = Thread.ofPlatform().start(() -> result.set(CliRun.of("ca", "start", "--data-dir", data.toString(),
                "--trust-domain", TD.name(), "--listen", "127.0.0.1:" + grpcPort, "--bundle-endpoint",
                "127.0.0.1:" + endpointPort, "--allow", "node-1=spiffe://b.example/identity/4242")));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!(listening(grpcPort) && listening(endpointPort))) {
            assertTrue(running.isAlive(), () -> "ca start exited: " + result.get());
            assertTrue(System.nanoTime() < deadline, "ca start did not listen within 120 s");
            Thread.sleep(100);
        }

        CliRun busy = CliRun.of("ca", "rotate", "--data-dir", data.toString());
        assertEquals(1, busy.code(), "the running CA holds the directory");
        TrustBundle bundle = Jwks.read(TD, CliRun.of("ca", "bundle", "--data-dir", data.toString()).out());
        CliRun token = CliRun.of("ca", "token", "--data-dir", data.toString(), "--node", "node-1", "-o", "json");
        assertEquals(0, token.code(), token.err());
        String secret = new ObjectMapper().readTree(token.out()).get("token").asText();

        MeshTls tls = new MeshTls(null, () -> BundleSet.of(bundle), PeerCheck.trustDomains(Set.of(TD)), InstantSource.system());
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", grpcPort, tls.channelCredentials()).build();
        try {
            X509Svid node = new MeshCaClient(channel, new BouncyCastleCertificateSigner(), KeyAlgorithm.EC_P256,
                    new SecureRandom()).attestWithJoinToken(TD, "node-1", secret);
            assertEquals(SpiffeId.ofNode(TD, "node-1"), node.id());
            assertInstanceOf(PeerValidation.Valid.class,
                    new SvidValidator(InstantSource.system()).validate(node.chain(), BundleSet.of(bundle)));
        } finally {
            channel.shutdownNow();
        }

        try (FederatedBundles peer = new FederatedBundles(InstantSource.system(), Duration.ofSeconds(1), Duration.ofSeconds(10))) {
            peer.add(Relationship.httpsSpiffe(TD, URI.create("https://127.0.0.1:" + endpointPort + "/"),
                    new SpiffeId(TD, "/bulwark/bundle-endpoint"), bundle));
            FetchOutcome.Updated fetched = assertInstanceOf(FetchOutcome.Updated.class, peer.refreshNow(TD));
            assertEquals(bundle.authorities(), fetched.bundle().authorities());
        }
    }
}
