package dev.bulwark.policy.distribution.pipeline;

import dev.bulwark.model.LabelSet;
import dev.bulwark.policy.identity.PodIdentityLabels;
import dev.bulwark.policy.distribution.source.KubeObject;
import dev.bulwark.policy.distribution.source.ObjectKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which pods are endpoints, and their addresses, labels and named ports. Pure. A pod is an endpoint once
 * it is scheduled (spec.nodeName) and has an address, is not host-networked, and has not finished.
 */
public final class PodEndpoints {

    /** A pod endpoint before identity allocation. */
    public record PodEndpoint(String namespace, String name, String nodeName, List<String> ips,
                              Map<String, String> podLabels, LabelSet labels, Map<String, Workload.NamedPort> namedPorts) {
        public String endpoint() {
            return namespace + "/" + name;
        }
    }

    /** Endpoints, and per pod the reason it could not be one (invalid labels). */
    public record Extraction(List<PodEndpoint> endpoints, Map<KubeObject.Key, String> problems) {
    }

    private PodEndpoints() {
    }

    public static Extraction extract(Map<KubeObject.Key, KubeObject> objects) {
        Map<String, Map<String, String>> nsLabels = namespaceLabels(objects);
        List<PodEndpoint> endpoints = new ArrayList<>();
        Map<KubeObject.Key, String> problems = new HashMap<>();
        objects.values().stream().filter(o -> o.kind() == ObjectKind.POD)
                .sorted(java.util.Comparator.comparing(o -> o.namespace() + "/" + o.name())).forEach(pod -> {
                    String node = pod.string("spec", "nodeName").orElse("");
                    List<String> ips = ips(pod);
                    String phase = pod.string("status", "phase").orElse("");
                    boolean hostNetwork = pod.at("spec", "hostNetwork").map(Boolean.TRUE::equals).orElse(false);
                    if (node.isEmpty() || ips.isEmpty() || hostNetwork || phase.equals("Succeeded") || phase.equals("Failed")) {
                        return;
                    }
                    try {
                        LabelSet labels = PodIdentityLabels.of(pod.namespace(), nsLabels.getOrDefault(pod.namespace(), Map.of()), pod.labels());
                        endpoints.add(new PodEndpoint(pod.namespace(), pod.name(), node, ips, pod.labels(), labels, namedPorts(pod)));
                    } catch (IllegalArgumentException e) {
                        problems.put(pod.key(), "metadata.labels: " + e.getMessage());
                    }
                });
        return new Extraction(endpoints, problems);
    }

    public static Map<String, Map<String, String>> namespaceLabels(Map<KubeObject.Key, KubeObject> objects) {
        Map<String, Map<String, String>> out = new HashMap<>();
        objects.values().stream().filter(o -> o.kind() == ObjectKind.NAMESPACE).forEach(ns -> out.put(ns.name(), ns.labels()));
        return out;
    }

    static List<String> ips(KubeObject pod) {
        Set<String> ips = new LinkedHashSet<>();
        for (Object entry : pod.list("status", "podIPs")) {
            if (entry instanceof Map<?, ?> m && m.get("ip") != null) {
                ips.add(m.get("ip").toString());
            }
        }
        pod.string("status", "podIP").ifPresent(ips::add);
        return List.copyOf(ips);
    }

    static Map<String, Workload.NamedPort> namedPorts(KubeObject pod) {
        Map<String, Workload.NamedPort> out = new HashMap<>();
        for (Object c : pod.list("spec", "containers")) {
            if (!(c instanceof Map<?, ?> container) || !(container.get("ports") instanceof List<?> ports)) {
                continue;
            }
            for (Object p : ports) {
                if (p instanceof Map<?, ?> port && port.get("name") != null && port.get("containerPort") instanceof Number n) {
                    String protocol = port.get("protocol") == null ? "TCP" : port.get("protocol").toString();
                    int number = switch (protocol) {
                        case "UDP" -> 17;
                        case "SCTP" -> 132;
                        default -> 6;
                    };
                    out.put(port.get("name").toString(), new Workload.NamedPort(n.intValue(), number));
                }
            }
        }
        return out;
    }
}
