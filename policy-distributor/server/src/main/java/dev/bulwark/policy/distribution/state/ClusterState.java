package dev.bulwark.policy.distribution.state;

import java.util.HashMap;
import java.util.Map;

/**
 * The desired state of the whole cluster as a full recompute produces it: the ipcache, and per node
 * its endpoints. Immutable.
 */
public record ClusterState(Map<String, IpcacheMapping> ipcache, Map<String, Map<String, EndpointState>> nodes) {

    public static final ClusterState EMPTY = new ClusterState(Map.of(), Map.of());

    public ClusterState {
        ipcache = Map.copyOf(ipcache);
        Map<String, Map<String, EndpointState>> copy = new HashMap<>();
        nodes.forEach((n, m) -> copy.put(n, Map.copyOf(m)));
        nodes = Map.copyOf(copy);
    }

    /** The view the agent on {@code nodeName} should hold. */
    public NodeView view(String nodeName) {
        return new NodeView(ipcache, nodes.getOrDefault(nodeName, Map.of()));
    }
}
