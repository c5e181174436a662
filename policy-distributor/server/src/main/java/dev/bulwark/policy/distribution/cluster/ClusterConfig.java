package dev.bulwark.policy.distribution.cluster;

import java.time.Duration;
import java.util.List;

/**
 * @param replicaId       this replica's name
 * @param address         host:port of its PolicyDistribution endpoint, announced to the others
 * @param host            the interface Hazelcast binds (127.0.0.1 in tests and {@code bulwark up})
 * @param hazelcastPort   Hazelcast's port on {@code host}
 * @param members         TCP-IP join list, each "host:port" (stack.md: no port ranges)
 * @param announceEvery   how often the replica refreshes its entry (entries expire after ten periods, or at once when the replica leaves)
 */
public record ClusterConfig(String replicaId, String address, String host, int hazelcastPort, List<String> members,
                            Duration announceEvery) {

    public ClusterConfig {
        if (replicaId == null || replicaId.isBlank()) {
            throw new IllegalArgumentException("replicaId: required");
        }
        if (hazelcastPort < 1 || hazelcastPort > 65_535) {
            throw new IllegalArgumentException("hazelcastPort: must be 1..65535, got " + hazelcastPort);
        }
        members = List.copyOf(members);
        for (String m : members) {
            if (!m.matches("[^:]+:\\d{1,5}")) {
                throw new IllegalArgumentException("members: \"" + m + "\" is not host:port");
            }
        }
        if (announceEvery.isNegative() || announceEvery.isZero()) {
            throw new IllegalArgumentException("announceEvery: must be positive");
        }
    }
}
