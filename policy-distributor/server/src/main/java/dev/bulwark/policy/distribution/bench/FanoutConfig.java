package dev.bulwark.policy.distribution.bench;

/**
 * @param agents            simulated agents, one per node
 * @param pods              endpoints spread evenly over the nodes (each agent holds all of them in its ipcache)
 * @param rulesPerEndpoint  map entries per endpoint
 * @param changes           policy changes measured one after another (idle latency)
 * @param affectedPerChange endpoints whose map state one change modifies
 * @param connections       gRPC connections the agents share
 * @param seed              for the cluster and the changes
 */
public record FanoutConfig(int agents, int pods, int rulesPerEndpoint, int changes, int affectedPerChange,
                           int connections, long seed) {

    public FanoutConfig {
        positive("agents", agents);
        positive("pods", pods);
        positive("rulesPerEndpoint", rulesPerEndpoint);
        positive("changes", changes);
        positive("affectedPerChange", affectedPerChange);
        positive("connections", connections);
        if (affectedPerChange > pods) {
            throw new IllegalArgumentException("affectedPerChange (" + affectedPerChange + ") exceeds pods (" + pods + ")");
        }
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + ": must be at least 1, got " + value);
        }
    }
}
