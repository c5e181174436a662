package dev.bulwark.agent.auth;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

/**
 * Settings of an agent's endpoint authentication.
 *
 * @param listen      where this agent answers handshakes (Cilium uses port 4250)
 * @param trustDomains the local trust domain and those of federated clusters
 * @param peerPort    port of other agents' listeners when {@code peers} does not name the node
 *                    (the node name is then dialled as a host name)
 * @param peers       explicit listener addresses by node name
 * @param timeout     connect and read timeout of one handshake (> 0)
 * @param renewBefore re-authenticate a pair this long before its entry expires (>= 0)
 * @param period      how often the held policy state is checked for pairs to (re-)authenticate (> 0)
 */
public record EndpointAuthConfig(InetSocketAddress listen, TrustDomains trustDomains, int peerPort,
                                 Map<String, InetSocketAddress> peers, Duration timeout, Duration renewBefore,
                                 Duration period) {

    public static final int DEFAULT_PORT = 4250;

    public EndpointAuthConfig {
        if (listen == null) {
            throw new IllegalArgumentException("listen: an address is required");
        }
        if (trustDomains == null) {
            throw new IllegalArgumentException("trustDomains: required");
        }
        if (peerPort < 1 || peerPort > 65_535) {
            throw new IllegalArgumentException("peerPort: 1..65535, got " + peerPort);
        }
        peers = Map.copyOf(peers);
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: must be > 0, got " + timeout);
        }
        if (renewBefore == null || renewBefore.isNegative()) {
            throw new IllegalArgumentException("renewBefore: must be >= 0, got " + renewBefore);
        }
        if (period == null || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period: must be > 0, got " + period);
        }
    }

    /** Port 4250 on {@code listen}'s host for everyone, 5 s timeout, renew 5 min ahead, check every 30 s. */
    public static EndpointAuthConfig defaults(InetSocketAddress listen, TrustDomains trustDomains) {
        return new EndpointAuthConfig(listen, trustDomains, DEFAULT_PORT, Map.of(), Duration.ofSeconds(5),
                Duration.ofMinutes(5), Duration.ofSeconds(30));
    }

    /** The listener of {@code node}'s agent: named explicitly, or the node name as host on {@link #peerPort}. */
    public InetSocketAddress peer(String node) {
        InetSocketAddress named = peers.get(node);
        return named != null ? named : InetSocketAddress.createUnresolved(node, peerPort);
    }
}
