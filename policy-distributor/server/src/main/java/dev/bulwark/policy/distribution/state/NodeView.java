package dev.bulwark.policy.distribution.state;

import java.util.Map;
import java.util.Objects;

/**
 * Everything one agent holds: the cluster-wide ipcache (prefix → mapping) and its own node's endpoints
 * (name → state). The maps are never mutated after construction: snapshots hand out their own
 * unmodifiable maps without copying (the ipcache is shared by every node's view), and {@link #copyOf}
 * copies maps of unknown provenance.
 */
public record NodeView(Map<String, IpcacheMapping> ipcache, Map<String, EndpointState> endpoints) {

    public static final NodeView EMPTY = new NodeView(Map.of(), Map.of());

    public NodeView {
        Objects.requireNonNull(ipcache, "ipcache");
        Objects.requireNonNull(endpoints, "endpoints");
    }

    public static NodeView copyOf(Map<String, IpcacheMapping> ipcache, Map<String, EndpointState> endpoints) {
        return new NodeView(Map.copyOf(ipcache), Map.copyOf(endpoints));
    }

    public long digest() {
        return StateDigest.of(this);
    }
}
