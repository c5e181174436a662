package dev.bulwark.policy.distribution.stream;

import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.policy.distribution.state.ClusterState;
import dev.bulwark.policy.distribution.state.EndpointState;
import dev.bulwark.policy.distribution.state.IpcacheMapping;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Small hand-made clusters: {@code nodes} nodes with one pod each; {@code allowedPorts} varies policy. */
final class Clusters {

    private Clusters() {
    }

    static ClusterState cluster(int nodes, int allowedPorts) {
        return cluster(nodes, allowedPorts, Map.of());
    }

    /** {@code perNodePorts} overrides the allowed port count for single nodes. */
    static ClusterState cluster(int nodes, int allowedPorts, Map<String, Integer> perNodePorts) {
        Map<String, IpcacheMapping> ipcache = new HashMap<>();
        Map<String, Map<String, EndpointState>> byNode = new HashMap<>();
        for (int i = 1; i <= nodes; i++) {
            String node = "n" + i;
            String ip = "10.0." + (i / 250) + "." + (i % 250 + 1);
            ipcache.put(ip + "/32", new IpcacheMapping(1000 + i % 7, node));
            String pod = "default/pod-" + i;
            int ports = perNodePorts.getOrDefault(node, allowedPorts);
            MapState.Builder ms = MapState.builder().put(PolicyKey.l3(0, Direction.EGRESS), PolicyEntry.ALLOW);
            for (int p = 0; p < ports; p++) {
                ms.put(PolicyKey.l4(1000 + p % 7, Direction.INGRESS, 6, 8000 + p), PolicyEntry.allow("np/default/web[0]"));
            }
            byNode.put(node, Map.of(pod, EndpointState.of(pod, 1000 + i % 7, List.of(ip), ms.build())));
        }
        ipcache.put("0.0.0.0/0", new IpcacheMapping(2, ""));
        return new ClusterState(ipcache, byNode);
    }
}
