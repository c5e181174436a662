package dev.bulwark.agent.netns;

import dev.bulwark.agent.datapath.bpf.Syscalls;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A private node: one "node" namespace standing in for the host (IP forwarding on, no uplink) and one
 * namespace per pod, each joined to the node by a veth pair as a CNI would do it: the pod's {@code eth0}
 * holds its /32 with a default route via 169.254.1.1, the node side {@code lxcN} holds 169.254.1.1/32
 * and a /32 route to the pod. Nothing is reachable from outside the machine. {@link #close()} deletes
 * every namespace (and so every interface); it is idempotent and also run by a shutdown hook.
 */
public final class PodNetwork implements AutoCloseable {

    /** One pod (or outside peer) attached to the node. */
    public record Pod(String name, String ip, NetworkNamespace namespace, String hostInterface, int hostIfindex) {
    }

    private final String prefix;
    private final NetworkNamespace node;
    private final Map<String, Pod> pods = new LinkedHashMap<>();
    private final List<NetworkNamespace> namespaces = new ArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;

    private PodNetwork(String prefix) {
        this.prefix = prefix;
        NetworkNamespace.deleteAll(prefix + "-");
        this.shutdownHook = new Thread(this::deleteNamespaces, "podnetwork-cleanup-" + prefix);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        this.node = NetworkNamespace.create(prefix + "-node");
        namespaces.add(node);
        sysctl(node, "net/ipv4/ip_forward", "1");
        sysctl(node, "net/ipv4/conf/all/rp_filter", "0");
        sysctl(node, "net/ipv4/conf/default/rp_filter", "0");
    }

    /** Creates the node namespace; {@code prefix} (e.g. "bw1234") names every namespace of this network. */
    public static PodNetwork create(String prefix) {
        return new PodNetwork(prefix);
    }

    public NetworkNamespace node() {
        return node;
    }

    public Map<String, Pod> pods() {
        return pods;
    }

    /**
     * Adds a pod namespace with address {@code ip} (IPv4) behind host interface lxcN. Synchronized with
     * the cleanup: once it ran (Ctrl-C), no namespace is created any more.
     */
    public synchronized Pod addPod(String name, String ip) {
        if (closed) {
            throw new IllegalStateException("pod network " + prefix + " is shut down");
        }
        if (pods.containsKey(name)) {
            throw new IllegalArgumentException("pod " + name + " already exists");
        }
        int n = pods.size();
        NetworkNamespace ns = NetworkNamespace.create(prefix + "-p" + n);
        namespaces.add(ns);
        String host = "lxc" + n;
        node.exec("ip", "link", "add", host, "type", "veth", "peer", "name", "eth0", "netns", ns.name());
        node.exec("ip", "link", "set", host, "up");
        node.exec("ip", "addr", "add", "169.254.1.1/32", "dev", host);
        sysctl(node, "net/ipv4/conf/" + host + "/rp_filter", "0");
        node.exec("ip", "route", "add", ip + "/32", "dev", host);
        ns.exec("ip", "addr", "add", ip + "/32", "dev", "eth0");
        ns.exec("ip", "link", "set", "eth0", "up");
        ns.exec("ip", "route", "add", "169.254.1.1", "dev", "eth0", "scope", "link");
        ns.exec("ip", "route", "add", "default", "via", "169.254.1.1", "dev", "eth0");
        int ifindex = node.call(() -> Syscalls.ifIndex(host));
        Pod pod = new Pod(name, ip, ns, host, ifindex);
        pods.put(name, pod);
        return pod;
    }

    /**
     * Writes a /proc/sys/net value of {@code ns} from a thread inside it (/proc/sys/net resolves to the
     * opening thread's namespace), so no sysctl binary is needed.
     */
    private static void sysctl(NetworkNamespace ns, String key, String value) {
        ns.call(() -> {
            java.nio.file.Files.writeString(java.nio.file.Path.of("/proc/sys", key), value);
            return null;
        });
    }

    public Pod pod(String name) {
        Pod p = pods.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no pod " + name);
        }
        return p;
    }

    private synchronized void deleteNamespaces() {
        if (closed) {
            return;
        }
        closed = true;
        for (NetworkNamespace ns : namespaces.reversed()) {
            ns.close();
        }
    }

    @Override
    public void close() {
        deleteNamespaces();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs (or ran) deleteNamespaces, which is idempotent
        }
    }
}
