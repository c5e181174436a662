package dev.bulwark.chaos.convergence;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything the distributors read from the watched directory, as values: namespaces (with labels), nodes,
 * pods and policy manifests (file name to YAML text). {@link #files()} renders the directory one object per
 * file, so the generator's changes are single-file writes and deletes. Immutable.
 *
 * @param namespaces name to labels
 * @param nodes      node names; node i has InternalIP 192.168.77.(10+i) and pods in 10.244.(i+1).0/24
 * @param pods       "namespace/name" to the pod
 * @param policies   file name ({@code np-...} or {@code cnp-...}) to the manifest
 * @param nextPod    the number of the next pod created (names and addresses are never reused)
 */
public record ClusterInputs(SortedMap<String, SortedMap<String, String>> namespaces, List<String> nodes,
                            SortedMap<String, PodSpec> pods, SortedMap<String, String> policies, int nextPod) {

    /** The range every pod address is taken from; ipcache entries inside it must be current pods. */
    public static final String POD_RANGE_PREFIX = "10.244.";

    public ClusterInputs {
        SortedMap<String, SortedMap<String, String>> ns = new TreeMap<>();
        namespaces.forEach((k, v) -> ns.put(k, java.util.Collections.unmodifiableSortedMap(new TreeMap<>(v))));
        namespaces = java.util.Collections.unmodifiableSortedMap(ns);
        nodes = List.copyOf(nodes);
        pods = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(pods));
        policies = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(policies));
    }

    /**
     * One pod, scheduled and addressed (the directory source has no kubelet, so the address is in status).
     *
     * @param httpPort the container port named "http" (named-port policies resolve through it)
     */
    public record PodSpec(String namespace, String name, String node, String ip, SortedMap<String, String> labels,
                          int httpPort) {

        public PodSpec {
            labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(labels));
        }

        public String key() {
            return namespace + "/" + name;
        }

        PodSpec withLabels(SortedMap<String, String> newLabels) {
            return new PodSpec(namespace, name, node, ip, newLabels, httpPort);
        }
    }

    public ClusterInputs withPod(PodSpec p, int next) {
        SortedMap<String, PodSpec> m = new TreeMap<>(pods);
        m.put(p.key(), p);
        return new ClusterInputs(namespaces, nodes, m, policies, next);
    }

    public ClusterInputs withoutPod(String key) {
        SortedMap<String, PodSpec> m = new TreeMap<>(pods);
        m.remove(key);
        return new ClusterInputs(namespaces, nodes, m, policies, nextPod);
    }

    public ClusterInputs withPolicy(String file, String yaml) {
        SortedMap<String, String> m = new TreeMap<>(policies);
        if (yaml == null) {
            m.remove(file);
        } else {
            m.put(file, yaml);
        }
        return new ClusterInputs(namespaces, nodes, pods, m, nextPod);
    }

    /** The pods scheduled on {@code node}, by key. */
    public SortedMap<String, PodSpec> podsOn(String node) {
        SortedMap<String, PodSpec> out = new TreeMap<>();
        pods.forEach((k, p) -> {
            if (p.node().equals(node)) {
                out.put(k, p);
            }
        });
        return out;
    }

    /** The directory's files: name to content. */
    public Map<String, String> files() {
        Map<String, String> out = new LinkedHashMap<>();
        namespaces.forEach((name, labels) -> out.put("ns-" + name + ".yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: "
                + name + ", labels: " + flow(labels) + "}\n"));
        for (int i = 0; i < nodes.size(); i++) {
            out.put("node-" + nodes.get(i) + ".yaml", "apiVersion: v1\nkind: Node\nmetadata: {name: " + nodes.get(i)
                    + "}\nstatus:\n  addresses: [{type: InternalIP, address: 192.168.77." + (10 + i) + "}]\n");
        }
        pods.values().forEach(p -> out.put("pod-" + p.namespace() + "-" + p.name() + ".yaml", "apiVersion: v1\nkind: Pod\n"
                + "metadata: {name: " + p.name() + ", namespace: " + p.namespace() + ", labels: " + flow(p.labels()) + "}\n"
                + "spec:\n  nodeName: " + p.node() + "\n  containers: [{name: app, image: app, ports: [{name: http, containerPort: "
                + p.httpPort() + "}]}]\nstatus: {podIP: " + p.ip() + "}\n"));
        out.putAll(policies);
        return out;
    }

    static String flow(Map<String, String> labels) {
        StringBuilder b = new StringBuilder("{");
        labels.forEach((k, v) -> b.append(b.length() > 1 ? ", " : "").append(k).append(": ").append(v));
        return b.append('}').toString();
    }
}
