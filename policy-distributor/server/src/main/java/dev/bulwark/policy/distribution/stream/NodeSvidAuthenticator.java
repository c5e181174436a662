package dev.bulwark.policy.distribution.stream;

import dev.bulwark.mesh.ca.SvidRules;
import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.spiffe.TrustDomain;
import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.Metadata;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Maps an agent's node SVID to the node it may subscribe for: {@code spiffe://<td>/node/<name>} of this
 * cluster's trust domain is node {@code name}; anything else is refused with the reason.
 *
 * <p>It reads the peer leaf from the TLS session only. The chain itself was validated in the handshake by
 * mesh-auth's {@code SpiffeTrustManager} (bundle, expiry, SVID rules), so a session exists only for a valid
 * SVID; this class decides what that SVID is allowed to do. Federated trust domains are trusted for
 * endpoint-to-endpoint authentication, never to subscribe here: only {@code trustDomain} maps to a node.
 * Stateless and thread-safe.
 */
public final class NodeSvidAuthenticator implements AgentAuthenticator {

    private static final String NODE_PATH = "/node/";

    private final TrustDomain trustDomain;

    public NodeSvidAuthenticator(TrustDomain trustDomain) {
        this.trustDomain = Objects.requireNonNull(trustDomain, "trustDomain");
    }

    @Override
    public AgentPrincipal authenticate(Attributes transport, Metadata headers) {
        SSLSession session = transport.get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session == null) {
            return new Refused("no TLS session: the distributor requires mTLS with a node SVID");
        }
        Optional<SpiffeId> id = peerId(session);
        if (id.isEmpty()) {
            return new Refused("no client SVID presented");
        }
        return principal(id.get());
    }

    /** The decision for a validated peer ID (pure; the part the tests exercise without TLS). */
    public AgentPrincipal principal(SpiffeId peer) {
        if (!peer.trustDomain().equals(trustDomain)) {
            return new Refused(peer + " is not of trust domain " + trustDomain);
        }
        if (!peer.path().startsWith(NODE_PATH) || peer.path().length() == NODE_PATH.length()
                || peer.path().indexOf('/', NODE_PATH.length()) >= 0) {
            return new Refused(peer + " is not a node SVID (spiffe://" + trustDomain.name() + "/node/<name>)");
        }
        return new NodeAgent(peer.path().substring(NODE_PATH.length()));
    }

    private static Optional<SpiffeId> peerId(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? SvidRules.spiffeId(leaf) : Optional.empty();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }
}
