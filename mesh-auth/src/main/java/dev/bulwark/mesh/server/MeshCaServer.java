package dev.bulwark.mesh.server;

import dev.bulwark.mesh.bundle.BundleSet;
import dev.bulwark.mesh.bundle.BundleSource;
import dev.bulwark.mesh.ca.CertificateAuthority;
import dev.bulwark.mesh.ca.CertificateSigner;
import dev.bulwark.mesh.ca.IdentityAuthorizer;
import dev.bulwark.mesh.ca.JoinTokens;
import dev.bulwark.mesh.ca.RateLimiter;
import dev.bulwark.mesh.ca.SvidRegistrar;
import dev.bulwark.mesh.ca.bouncycastle.BouncyCastleCertificateSigner;
import dev.bulwark.mesh.grpc.MeshCaService;
import dev.bulwark.mesh.grpc.PeerIdentity;
import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.tls.MeshTls;
import dev.bulwark.mesh.tls.PeerCheck;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;

/**
 * MeshCA, composed: the CA on a {@link DirectoryAuthorityStore}, join tokens (in the data directory, so
 * {@code bulwark ca token} can add them while it runs), the authorizer, the
 * rate limiter and the gRPC service on mTLS with the CA's own SVID ({@code spiffe://<td>/bulwark/meshca}).
 * Client certificates are optional at the TLS layer, because AttestNode is how a node without an SVID
 * gets one; every other RPC refuses a caller without a node SVID. A presented but invalid certificate
 * fails the handshake.
 */
public final class MeshCaServer implements AutoCloseable {

    /** The data directory's sub-directory of join-token grants ({@link DirectoryTokenLedger}). */
    public static final String JOIN_TOKENS = "join-tokens";

    private final CertificateAuthority ca;
    private final JoinTokens joinTokens;
    private final SelfIssuedSvid servingSvid;
    private final Server server;

    public MeshCaServer(MeshCaConfig config, IdentityAuthorizer authorizer, BundleSource federated,
                        InstantSource clock, SecureRandom random) throws IOException {
        CertificateSigner signer = new BouncyCastleCertificateSigner();
        this.ca = new CertificateAuthority(config.ca(), signer, new DirectoryAuthorityStore(config.dataDir()), clock, random);
        this.joinTokens = new JoinTokens(clock, random, new DirectoryTokenLedger(config.dataDir().resolve(JOIN_TOKENS)));
        SvidRegistrar registrar = new SvidRegistrar(ca, signer, joinTokens, authorizer,
                new RateLimiter(config.signRatePerSecond(), config.signBurst(), clock));
        this.servingSvid = new SelfIssuedSvid(ca, servingId(config), config.ca().keyAlgorithm(), clock, random);
        BundleSource trusted = () -> federated.bundles().with(ca.bundle());
        MeshTls tls = new MeshTls(servingSvid, trusted, PeerCheck.anyValid(), clock);
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress(config.bindHost(), config.port()),
                        tls.serverCredentials(false))
                .addService(ServerInterceptors.intercept(new MeshCaService(registrar, federated), new PeerIdentity()))
                .build()
                .start();
    }

    public static SpiffeId servingId(MeshCaConfig config) {
        return new SpiffeId(config.ca().trustDomain(), "/bulwark/meshca");
    }

    public int port() {
        return server.getPort();
    }

    public CertificateAuthority authority() {
        return ca;
    }

    public JoinTokens joinTokens() {
        return joinTokens;
    }

    /** The CA's own bundle plus nothing else: what a node needs before attesting. */
    public BundleSet ownBundle() {
        return BundleSet.of(ca.bundle());
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
