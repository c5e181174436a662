package dev.bulwark.mesh.tls;

import dev.bulwark.mesh.bundle.BundleSource;
import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import java.security.GeneralSecurityException;
import java.time.InstantSource;
import javax.net.ssl.SSLContext;

/**
 * The one way Bulwark components speak mTLS. Given where the local SVID comes from and where the
 * trusted bundles come from, it builds gRPC server and channel credentials (TLS 1.3 via the JDK
 * provider, key and trust managers from this package) and plain JSSE contexts. A server built with
 * {@link #serverCredentials(boolean)} {@code true} refuses, in the handshake, any client without a
 * valid SVID.
 *
 * <pre>{@code
 * MeshTls tls = new MeshTls(svidSource, bundleSource, PeerCheck.trustDomains(Set.of(td)), clock);
 * Server s = NettyServerBuilder.forAddress(addr, tls.serverCredentials(true)).addService(svc).build();
 * ManagedChannel ch = Grpc.newChannelBuilderForAddress(host, port, tls.channelCredentials()).build();
 * }</pre>
 */
public final class MeshTls {

    private final SvidSource svid;
    private final SpiffeTrustManager trust;

    /** {@code svid} may be {@code null} for a client that has none yet (node attestation). */
    public MeshTls(SvidSource svid, BundleSource bundles, PeerCheck peerCheck, InstantSource clock) {
        this.svid = svid;
        this.trust = new SpiffeTrustManager(bundles, new SvidValidator(clock), peerCheck);
    }

    public SpiffeTrustManager trustManager() {
        return trust;
    }

    public SvidKeyManager keyManager() {
        return new SvidKeyManager(svid);
    }

    /** Server credentials; {@code requireClientSvid} false lets SVID-less clients in (AttestNode only). */
    public ServerCredentials serverCredentials(boolean requireClientSvid) {
        if (svid == null) {
            throw new IllegalStateException("a server needs an SVID");
        }
        return TlsServerCredentials.newBuilder()
                .keyManager(keyManager())
                .trustManager(trust)
                .clientAuth(requireClientSvid ? TlsServerCredentials.ClientAuth.REQUIRE
                        : TlsServerCredentials.ClientAuth.OPTIONAL)
                .build();
    }

    public ChannelCredentials channelCredentials() {
        TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder().trustManager(trust);
        if (svid != null) {
            b.keyManager(keyManager());
        }
        return b.build();
    }

    /** A TLS 1.3 context with the same key and trust managers (for non-gRPC endpoints). */
    public SSLContext sslContext() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(svid == null ? null : new javax.net.ssl.KeyManager[] {keyManager()},
                    new javax.net.ssl.TrustManager[] {trust}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS 1.3 is not available", e);
        }
    }
}
