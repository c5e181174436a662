package dev.bulwark.policy.distribution.pipeline;

import dev.bulwark.model.LabelSet;
import java.util.List;
import java.util.Map;

/**
 * A pod as an endpoint: where it runs, its addresses, its security labels and identity, and its named
 * container ports (name → port and protocol number) for policies that name ports.
 *
 * @param endpoint "namespace/pod"
 */
public record Workload(String endpoint, String namespace, String podName, String nodeName, List<String> ips,
                       Map<String, String> podLabels, LabelSet labels, int identity, Map<String, NamedPort> namedPorts) {

    /** A named container port. */
    public record NamedPort(int port, int protocol) {
    }

    public Workload {
        ips = List.copyOf(ips);
        podLabels = Map.copyOf(podLabels);
        namedPorts = Map.copyOf(namedPorts);
    }
}
