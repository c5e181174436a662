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

    /**
     * A control-plane server of {@code td}: allocator, distributor and MeshCA serve with
     * {@code spiffe://<td>/bulwark/<component>}. A node or workload SVID of the same domain is refused, so a
     * compromised node cannot pose as the distributor to other nodes.
     */
    static PeerCheck controlPlaneServer(TrustDomain td) {
        return peer -> peer.trustDomain().equals(td) && peer.path().startsWith("/bulwark/") ? null
                : "peer " + peer + " is not a control-plane server of " + td + " (spiffe://" + td.name() + "/bulwark/...)";
    }

    /**
     * A caller of a control-plane server of {@code td}: a node agent ({@code /node/<name>}) or another
     * control-plane component ({@code /bulwark/<component>}). Workload SVIDs and other trust domains
     * (federated ones included) are refused.
     */
    static PeerCheck controlPlaneClient(TrustDomain td) {
        return peer -> peer.trustDomain().equals(td) && (peer.path().startsWith("/node/") || peer.path().startsWith("/bulwark/"))
                ? null : "peer " + peer + " is neither a node nor a control-plane component of " + td;
    }
}
