package dev.bulwark.mesh.tls;

import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.spiffe.TrustDomain;
import java.util.Set;

/** Which validated peer IDs a TLS endpoint accepts (after the chain itself is valid). */
@FunctionalInterface
public interface PeerCheck {

    /** A reason to refuse {@code peer}, or {@code null} to accept it. */
    String refuse(SpiffeId peer);

    /** Any SVID valid in any trusted bundle. */
    static PeerCheck anyValid() {
        return peer -> null;
    }

    /** Exactly {@code expected}. */
    static PeerCheck exactly(SpiffeId expected) {
        return peer -> peer.equals(expected) ? null : "peer is " + peer + ", expected " + expected;
    }

    /** Any ID of the given trust domains. */
    static PeerCheck trustDomains(Set<TrustDomain> allowed) {
        return peer -> allowed.contains(peer.trustDomain()) ? null
                : "peer trust domain " + peer.trustDomain() + " is not one of " + allowed;
    }
}
