package dev.bulwark.mesh.grpc;

import dev.bulwark.mesh.ca.SvidRules;
import dev.bulwark.mesh.spiffe.SpiffeId;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Puts the caller's SPIFFE ID into the gRPC {@link Context}. The ID is read from the TLS session's
 * peer leaf, which {@link dev.bulwark.mesh.tls.SpiffeTrustManager} has already validated in the
 * handshake; no client certificate means no ID. Any service behind {@link dev.bulwark.mesh.tls.MeshTls}
 * can install it and read {@link #current()}.
 */
public final class PeerIdentity implements ServerInterceptor {

    private static final Context.Key<Optional<SpiffeId>> KEY = Context.key("bulwark-peer-spiffe-id");

    /** The calling peer's SPIFFE ID, inside a call intercepted by this interceptor. */
    public static Optional<SpiffeId> current() {
        Optional<SpiffeId> id = KEY.get();
        return id == null ? Optional.empty() : id;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        Optional<SpiffeId> id = Optional.empty();
        if (session != null) {
            try {
                Certificate[] peer = session.getPeerCertificates();
                if (peer.length > 0 && peer[0] instanceof X509Certificate leaf) {
                    id = SvidRules.spiffeId(leaf);
                }
            } catch (SSLPeerUnverifiedException e) {
                id = Optional.empty();
            }
        }
        return Contexts.interceptCall(Context.current().withValue(KEY, id), call, headers, next);
    }
}
