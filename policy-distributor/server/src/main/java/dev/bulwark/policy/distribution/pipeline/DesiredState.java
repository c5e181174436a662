package dev.bulwark.policy.distribution.pipeline;

import dev.bulwark.model.policy.MapState;
import dev.bulwark.policy.distribution.source.KubeObject;
import dev.bulwark.policy.distribution.source.ObjectKind;
import dev.bulwark.policy.distribution.state.ClusterState;
import dev.bulwark.policy.distribution.state.EndpointState;
import dev.bulwark.policy.distribution.state.IpcacheMapping;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Assembles the distributed state from workloads and compiled policy. Pure. The ipcache holds every pod
 * address (its identity and node), every node address (reserved remote-node, 6), the CIDR prefixes the
 * policies use, and 0.0.0.0/0 and ::/0 as world (2).
 */
public final class DesiredState {

    static final int REMOTE_NODE = 6;
    static final int WORLD = 2;

    private DesiredState() {
    }

    public static ClusterState of(Map<KubeObject.Key, KubeObject> objects, List<Workload> workloads,
                                  PolicyCompilation.Compiled compiled) {
        Map<String, IpcacheMapping> ipcache = new HashMap<>();
        ipcache.put("0.0.0.0/0", new IpcacheMapping(WORLD, ""));
        ipcache.put("::/0", new IpcacheMapping(WORLD, ""));
        compiled.cidrPrefixes().forEach((prefix, id) -> ipcache.put(prefix, new IpcacheMapping(id, "")));
        objects.values().stream().filter(o -> o.kind() == ObjectKind.NODE).forEach(node -> {
            for (Object a : node.list("status", "addresses")) {
                if (a instanceof Map<?, ?> m && "InternalIP".equals(m.get("type")) && m.get("address") != null) {
                    ipcache.put(hostPrefix(m.get("address").toString()), new IpcacheMapping(REMOTE_NODE, node.name()));
                }
            }
        });
        Map<String, Map<String, EndpointState>> nodes = new HashMap<>();
        for (Workload w : workloads) {
            w.ips().forEach(ip -> ipcache.put(hostPrefix(ip), new IpcacheMapping(w.identity(), w.nodeName())));
            MapState state = compiled.mapStates().get(w.endpoint());
            if (state == null) {
                // Never default to allow-all: a compiler that skips an endpoint is a bug.
                throw new IllegalStateException("the compiler returned no map state for " + w.endpoint());
            }
            nodes.computeIfAbsent(w.nodeName(), n -> new HashMap<>())
                    .put(w.endpoint(), EndpointState.of(w.endpoint(), w.identity(), w.ips(), state));
        }
        return new ClusterState(ipcache, nodes);
    }

    static String hostPrefix(String ip) {
        return ip.contains(":") ? ip + "/128" : ip + "/32";
    }
}
