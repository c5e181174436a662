package dev.bulwark.policy.distribution.bench;

import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.policy.distribution.state.ClusterChange;
import dev.bulwark.policy.distribution.state.EndpointState;
import dev.bulwark.policy.distribution.state.IpcacheMapping;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/** The benchmark's synthetic cluster: endpoints spread over nodes, each with a few dozen map entries. */
final class BenchCluster {

    private static final int IDENTITIES = 50;

    private final FanoutConfig config;
    private final RandomGenerator random;
    private final List<EndpointState> endpoints = new ArrayList<>();
    private final List<String> nodeOf = new ArrayList<>();

    BenchCluster(FanoutConfig config, RandomGenerator random) {
        this.config = config;
        this.random = random;
        for (int i = 0; i < config.pods(); i++) {
            nodeOf.add(node((int) ((long) i * config.agents() / config.pods())));
            endpoints.add(EndpointState.of("bench/pod-" + i, identity(i), List.of(ip(i)), mapState(i, 0)));
        }
    }

    static String node(int i) {
        return "node-" + i;
    }

    private static String ip(int i) {
        return "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
    }

    private static int identity(int i) {
        return 256 + i % IDENTITIES;
    }

    private MapState mapState(int endpoint, int generation) {
        MapState.Builder b = MapState.builder().put(PolicyKey.l3(0, Direction.EGRESS), PolicyEntry.ALLOW);
        for (int r = 0; r < config.rulesPerEndpoint() - 1; r++) {
            int peer = 256 + (endpoint + r) % IDENTITIES;
            b.put(PolicyKey.l4(peer, Direction.INGRESS, 6, 8000 + r), PolicyEntry.allow("cnp/bench/p" + r + "[0]"));
        }
        if (generation > 0) {
            b.put(PolicyKey.l4(256 + generation % IDENTITIES, Direction.INGRESS, 6, 9000 + generation % 1000),
                    PolicyEntry.allow("cnp/bench/change-" + generation + "[0]"));
        }
        return b.build();
    }

    ClusterChange initial() {
        Map<String, IpcacheMapping> ipcache = new HashMap<>();
        Map<String, Map<String, EndpointState>> nodes = new HashMap<>();
        for (int i = 0; i < endpoints.size(); i++) {
            EndpointState e = endpoints.get(i);
            ipcache.put(e.ips().getFirst() + "/32", new IpcacheMapping(e.identity(), nodeOf.get(i)));
            nodes.computeIfAbsent(nodeOf.get(i), n -> new HashMap<>()).put(e.name(), e);
        }
        ipcache.put("0.0.0.0/0", new IpcacheMapping(2, ""));
        return new ClusterChange(ipcache, Set.of(), nodes, Map.of());
    }

    /** A policy change touching {@code affectedPerChange} random endpoints; returns the nodes affected. */
    ClusterChange policyChange(int generation, Set<String> affectedNodes) {
        Map<String, Map<String, EndpointState>> upserts = new HashMap<>();
        while (affectedNodes.isEmpty() || countEndpoints(upserts) < config.affectedPerChange()) {
            int i = random.nextInt(endpoints.size());
            EndpointState e = endpoints.get(i);
            EndpointState changed = EndpointState.of(e.name(), e.identity(), e.ips(), mapState(i, generation));
            endpoints.set(i, changed);
            upserts.computeIfAbsent(nodeOf.get(i), n -> new HashMap<>()).put(e.name(), changed);
            affectedNodes.add(nodeOf.get(i));
        }
        return new ClusterChange(Map.of(), Set.of(), upserts, Map.of());
    }

    /** A new pod's address: every agent's ipcache changes. */
    ClusterChange ipcacheChange(int n) {
        return new ClusterChange(Map.of("172.16." + (n >> 8 & 255) + "." + (n & 255) + "/32",
                new IpcacheMapping(256 + n % IDENTITIES, node(0))), Set.of(), Map.of(), Map.of());
    }

    private static int countEndpoints(Map<String, Map<String, EndpointState>> upserts) {
        return upserts.values().stream().mapToInt(Map::size).sum();
    }
}
