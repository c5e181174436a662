package dev.bulwark.agent.datapath;

/**
 * A key of the datapath's auth map, as Cilium keys it: the identity of the local endpoint, the peer's
 * identity, the node the peer is on and the kind of authentication. The program looks up node 0 (any
 * node): the ipcache does not carry a node yet, so an entry authenticates the identity pair wherever
 * the peer runs.
 *
 * @param localIdentity  the enforcing endpoint's identity (1..2^32-1, unsigned)
 * @param remoteIdentity the peer's identity (not 0)
 * @param remoteNodeId   0..65535; 0 = any node
 * @param authType       1..255; {@link #SPIFFE} is the only one implemented
 */
public record AuthKey(int localIdentity, int remoteIdentity, int remoteNodeId, int authType) {

    /** X.509-SVIDs in a TLS 1.3 handshake between the two node agents. */
    public static final int SPIFFE = 1;

    public AuthKey {
        if (localIdentity == 0) {
            throw new IllegalArgumentException("localIdentity: must not be 0");
        }
        if (remoteIdentity == 0) {
            throw new IllegalArgumentException("remoteIdentity: must not be 0 (auth is per peer identity)");
        }
        if (remoteNodeId < 0 || remoteNodeId > 0xFFFF) {
            throw new IllegalArgumentException("remoteNodeId: must be 0..65535, got " + remoteNodeId);
        }
        if (authType < 1 || authType > 0xFF) {
            throw new IllegalArgumentException("authType: must be 1..255, got " + authType);
        }
    }

    /** The key the datapath looks up for a flow between {@code local} and {@code remote}. */
    public static AuthKey spiffe(int local, int remote) {
        return new AuthKey(local, remote, 0, SPIFFE);
    }

    @Override
    public String toString() {
        return Integer.toUnsignedString(localIdentity) + "<->" + Integer.toUnsignedString(remoteIdentity)
                + (remoteNodeId == 0 ? "" : "@node" + remoteNodeId) + "/type" + authType;
    }
}
