package dev.bulwark.policy.distribution.state;

import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/** Seeded generators of small, collision-prone states (few prefixes, few keys) so changes overlap. */
final class StateGenerators {

    private StateGenerators() {
    }

    static PolicyKey key(RandomGenerator r) {
        Direction d = r.nextBoolean() ? Direction.INGRESS : Direction.EGRESS;
        int id = r.nextInt(6);
        return switch (r.nextInt(3)) {
            case 0 -> PolicyKey.l3(id, d);
            case 1 -> PolicyKey.l4(id, d, 6, 80 + r.nextInt(3));
            default -> new PolicyKey(id, d, 17, 1024, 6);
        };
    }

    static PolicyEntry entry(RandomGenerator r) {
        return switch (r.nextInt(4)) {
            case 0 -> PolicyEntry.DENY;
            case 1 -> new PolicyEntry(false, 15001, false, "cnp/a/b[0]");
            case 2 -> new PolicyEntry(false, 0, true, "");
            default -> PolicyEntry.allow("np/x/y[" + r.nextInt(2) + "]");
        };
    }

    static MapState mapState(RandomGenerator r) {
        MapState.Builder b = MapState.builder();
        int n = r.nextInt(8);
        for (int i = 0; i < n; i++) {
            b.put(key(r), entry(r));
        }
        return b.build();
    }

    static EndpointState endpoint(RandomGenerator r, String name) {
        List<String> ips = r.nextInt(5) == 0 ? List.of() : List.of("10.0.0." + r.nextInt(4));
        return EndpointState.of(name, 256 + r.nextInt(4), ips, mapState(r));
    }

    static Map<String, IpcacheMapping> ipcache(RandomGenerator r) {
        Map<String, IpcacheMapping> m = new HashMap<>();
        int n = r.nextInt(8);
        for (int i = 0; i < n; i++) {
            m.put("10.0.0." + r.nextInt(10) + "/32", new IpcacheMapping(256 + r.nextInt(3), "n" + r.nextInt(3)));
        }
        return m;
    }

    static Map<String, EndpointState> endpoints(RandomGenerator r, String prefix) {
        Map<String, EndpointState> m = new HashMap<>();
        int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
            String name = prefix + "/pod" + r.nextInt(6);
            m.put(name, endpoint(r, name));
        }
        return m;
    }

    static NodeView view(RandomGenerator r) {
        return NodeView.copyOf(ipcache(r), endpoints(r, "default"));
    }

    /** A random mutation of {@code from}: usually small, sometimes wholesale. */
    static NodeView mutate(RandomGenerator r, NodeView from) {
        if (r.nextInt(6) == 0) {
            return view(r);
        }
        Map<String, IpcacheMapping> ip = new HashMap<>(from.ipcache());
        if (r.nextBoolean() && !ip.isEmpty()) {
            ip.remove(new ArrayList<>(ip.keySet()).get(r.nextInt(ip.size())));
        }
        if (r.nextBoolean()) {
            ip.put("10.1.0." + r.nextInt(4) + "/32", new IpcacheMapping(300 + r.nextInt(2), ""));
        }
        Map<String, EndpointState> eps = new HashMap<>(from.endpoints());
        for (String name : new ArrayList<>(eps.keySet())) {
            if (r.nextInt(3) == 0) {
                EndpointState e = eps.get(name);
                MapState.Builder b = MapState.builder();
                e.mapState().entries().forEach((k, v) -> {
                    if (r.nextInt(4) != 0) {
                        b.put(k, v);
                    }
                });
                b.put(key(r), entry(r));
                int identity = r.nextInt(5) == 0 ? e.identity() + 1 : e.identity();
                eps.put(name, EndpointState.of(name, identity, e.ips(), b.build()));
            } else if (r.nextInt(6) == 0) {
                eps.remove(name);
            }
        }
        if (r.nextInt(3) == 0) {
            String name = "default/new" + r.nextInt(3);
            eps.put(name, endpoint(r, name));
        }
        return NodeView.copyOf(ip, eps);
    }

    static ClusterState cluster(RandomGenerator r, int nodes) {
        Map<String, Map<String, EndpointState>> m = new HashMap<>();
        for (int i = 0; i < nodes; i++) {
            if (r.nextInt(4) != 0) {
                m.put("n" + i, endpoints(r, "ns" + i));
            }
        }
        return new ClusterState(ipcache(r), m);
    }

    static ClusterState mutate(RandomGenerator r, ClusterState from, int nodes) {
        Map<String, Map<String, EndpointState>> m = new HashMap<>(from.nodes());
        Set<String> touched = new HashSet<>();
        int changes = 1 + r.nextInt(2);
        for (int i = 0; i < changes; i++) {
            String node = "n" + r.nextInt(nodes);
            touched.add(node);
            NodeView v = mutate(r, new NodeView(Map.of(), m.getOrDefault(node, Map.of())));
            m.put(node, v.endpoints());
        }
        Map<String, IpcacheMapping> ip = r.nextInt(3) == 0
                ? mutate(r, new NodeView(from.ipcache(), Map.of())).ipcache() : from.ipcache();
        return new ClusterState(ip, m);
    }
}
