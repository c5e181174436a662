package dev.bulwark.policy.distribution.state;

import java.util.Map;

/**
 * The whole distributed state at one revision: the ipcache and every node's endpoints, each with the
 * revision at which it last changed. Immutable; consecutive snapshots share every unchanged map and
 * endpoint, so a snapshot costs what changed, plus one outer map of nodes.
 *
 * <p>A node's version is the revision at which its view (ipcache or its own endpoints) last changed.
 */
public record Snapshot(long revision, Map<String, IpcacheMapping> ipcache, long ipcacheRevision, long ipcacheDigest,
                       Map<String, NodeEndpoints> nodes) {

    public static final Snapshot EMPTY = new Snapshot(0, Map.of(), 0, 0, Map.of());

    /** One node's endpoints at the revision they last changed. */
    public record NodeEndpoints(long revision, Map<String, EndpointState> endpoints, long digest) {
        static final NodeEndpoints NONE = new NodeEndpoints(0, Map.of(), 0);
    }

    public NodeEndpoints node(String nodeName) {
        return nodes.getOrDefault(nodeName, NodeEndpoints.NONE);
    }

    public long nodeVersion(String nodeName) {
        return Math.max(ipcacheRevision, node(nodeName).revision());
    }

    public long nodeDigest(String nodeName) {
        return ipcacheDigest + node(nodeName).digest();
    }

    public NodeView view(String nodeName) {
        return new NodeView(ipcache, node(nodeName).endpoints());
    }
}
