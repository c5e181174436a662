package dev.bulwark.policy.distribution.state;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A batch of changes to the distributed state: ipcache upserts and deletes, and per node the endpoints
 * upserted (name → state) and removed. Applying an upsert equal to what is held is a no-op, so a relist
 * that re-announces everything produces no revision.
 */
public record ClusterChange(Map<String, IpcacheMapping> ipcacheUpserts, Set<String> ipcacheDeletes,
                            Map<String, Map<String, EndpointState>> endpointUpserts,
                            Map<String, Set<String>> endpointRemovals) {

    public ClusterChange {
        ipcacheUpserts = Map.copyOf(ipcacheUpserts);
        ipcacheDeletes = Set.copyOf(ipcacheDeletes);
        Map<String, Map<String, EndpointState>> ups = new HashMap<>();
        endpointUpserts.forEach((n, m) -> ups.put(n, Map.copyOf(m)));
        endpointUpserts = Map.copyOf(ups);
        Map<String, Set<String>> rems = new HashMap<>();
        endpointRemovals.forEach((n, s) -> rems.put(n, Set.copyOf(s)));
        endpointRemovals = Map.copyOf(rems);
    }

    /** The change that turns {@code from} into {@code to}: what a full recompute hands the history. */
    public static ClusterChange between(ClusterState from, ClusterState to) {
        Map<String, IpcacheMapping> upserts = new HashMap<>();
        to.ipcache().forEach((p, m) -> {
            if (!m.equals(from.ipcache().get(p))) {
                upserts.put(p, m);
            }
        });
        Set<String> deletes = new HashSet<>(from.ipcache().keySet());
        deletes.removeAll(to.ipcache().keySet());
        Map<String, Map<String, EndpointState>> epUpserts = new HashMap<>();
        Map<String, Set<String>> epRemovals = new HashMap<>();
        Set<String> nodes = new HashSet<>(from.nodes().keySet());
        nodes.addAll(to.nodes().keySet());
        for (String node : nodes) {
            Map<String, EndpointState> before = from.nodes().getOrDefault(node, Map.of());
            Map<String, EndpointState> after = to.nodes().getOrDefault(node, Map.of());
            after.forEach((n, e) -> {
                if (!Objects.equals(before.get(n), e)) {
                    epUpserts.computeIfAbsent(node, k -> new HashMap<>()).put(n, e);
                }
            });
            before.keySet().stream().filter(n -> !after.containsKey(n))
                    .forEach(n -> epRemovals.computeIfAbsent(node, k -> new HashSet<>()).add(n));
        }
        return new ClusterChange(upserts, deletes, epUpserts, epRemovals);
    }

    public boolean isEmpty() {
        return ipcacheUpserts.isEmpty() && ipcacheDeletes.isEmpty() && endpointUpserts.isEmpty()
                && endpointRemovals.isEmpty();
    }
}
