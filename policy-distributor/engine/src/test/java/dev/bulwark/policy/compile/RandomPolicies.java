package dev.bulwark.policy.compile;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Our own seeded generators of small random policies, written as YAML manifests (so the parser is
 * exercised too): NetworkPolicy and CiliumNetworkPolicy with label, namespace, CIDR and entity peers,
 * numeric, ranged and named ports, deny rules and default-deny switches.
 */
final class RandomPolicies {

    static final List<String> NAMESPACES = List.of("x", "y", "z");
    static final List<String> OUTSIDE = List.of("192.168.1.5", "192.168.2.5", "10.0.0.5", "203.0.113.7", "198.51.100.9");
    private static final List<String> CIDRS = List.of("192.168.0.0/16", "10.0.0.0/8", "203.0.113.0/24", "0.0.0.0/0", "192.168.1.0/24");

    private final RandomGenerator random;
    private int counter;

    RandomPolicies(RandomGenerator random) {
        this.random = random;
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    String podSelector() {
        return pick(List.of("{}", "{matchLabels: {app: a}}", "{matchLabels: {app: b, tier: web}}",
                "{matchExpressions: [{key: app, operator: NotIn, values: [a]}]}",
                "{matchExpressions: [{key: tier, operator: Exists}]}",
                "{matchExpressions: [{key: tier, operator: DoesNotExist}]}",
                "{matchExpressions: [{key: app, operator: In, values: [b, c]}]}"));
    }

    private String namespaceSelector() {
        return pick(List.of("{}", "{matchLabels: {ns: y}}", "{matchLabels: {team: blue}}",
                "{matchExpressions: [{key: ns, operator: NotIn, values: [x]}]}"));
    }

    private String knpPort() {
        return pick(List.of("{port: 80}", "{port: 81, protocol: UDP}", "{port: 80, endPort: 90}", "{port: serve-80-tcp}",
                "{port: serve-81-udp, protocol: UDP}", "{protocol: SCTP}", "{port: 443, protocol: TCP}"));
    }

    private String knpPeer() {
        return switch (random.nextInt(4)) {
            case 0 -> "{podSelector: " + podSelector() + "}";
            case 1 -> "{namespaceSelector: " + namespaceSelector() + "}";
            case 2 -> "{namespaceSelector: " + namespaceSelector() + ", podSelector: " + podSelector() + "}";
            default -> chance(50) ? "{ipBlock: {cidr: " + pick(CIDRS) + "}}" : "{ipBlock: {cidr: 192.168.0.0/16, except: [192.168.1.0/24]}}";
        };
    }

    private String knpRule(String peers) {
        List<String> parts = new ArrayList<>();
        if (chance(70)) {
            parts.add(peers + ": [" + join(random.nextInt(1, 3), this::knpPeer) + "]");
        }
        if (chance(60)) {
            parts.add("ports: [" + join(random.nextInt(1, 3), this::knpPort) + "]");
        }
        return "{" + String.join(", ", parts) + "}";
    }

    String networkPolicy() {
        String name = "k" + counter++;
        StringBuilder sb = new StringBuilder("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n");
        sb.append("metadata: {name: ").append(name).append(", namespace: ").append(pick(NAMESPACES)).append("}\n");
        sb.append("spec:\n  podSelector: ").append(podSelector()).append('\n');
        int types = random.nextInt(4);
        if (types == 1) {
            sb.append("  policyTypes: [Ingress]\n");
        } else if (types == 2) {
            sb.append("  policyTypes: [Egress]\n");
        } else if (types == 3) {
            sb.append("  policyTypes: [Ingress, Egress]\n");
        }
        if (chance(70)) {
            sb.append("  ingress: [").append(join(random.nextInt(0, 3), () -> knpRule("from"))).append("]\n");
        }
        if (chance(50)) {
            sb.append("  egress: [").append(join(random.nextInt(0, 3), () -> knpRule("to"))).append("]\n");
        }
        return sb.toString();
    }

    private String cnpPeer(String dir) {
        return switch (random.nextInt(5)) {
            case 0 -> dir + "Endpoints: [" + podSelector() + "]";
            case 1 -> dir + "Endpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: " + pick(NAMESPACES) + "}}]";
            case 2 -> dir + "Entities: [" + pick(List.of("world", "cluster", "all")) + "]";
            case 3 -> dir + "CIDR: [" + pick(CIDRS) + "]";
            default -> dir + "CIDRSet: [{cidr: 192.168.0.0/16, except: [192.168.1.0/24]}]";
        };
    }

    private String cnpRule(String dir) {
        List<String> parts = new ArrayList<>();
        if (chance(75)) {
            parts.add(cnpPeer(dir));
        }
        if (chance(50)) {
            parts.add("toPorts: [{ports: [" + pick(List.of("{port: \"80\", protocol: TCP}", "{port: \"80\"}",
                    "{port: \"80\", endPort: 85, protocol: UDP}", "{port: serve-81-tcp, protocol: TCP}", "{port: \"443\"}")) + "]}]");
        }
        return "{" + String.join(", ", parts) + "}";
    }

    String ciliumPolicy() {
        String name = "c" + counter++;
        boolean clusterwide = chance(25);
        StringBuilder sb = new StringBuilder("apiVersion: cilium.io/v2\nkind: ");
        sb.append(clusterwide ? "CiliumClusterwideNetworkPolicy\nmetadata: {name: " + name + "}\n"
                : "CiliumNetworkPolicy\nmetadata: {name: " + name + ", namespace: " + pick(NAMESPACES) + "}\n");
        sb.append("spec:\n  endpointSelector: ").append(podSelector()).append('\n');
        for (String section : List.of("ingress", "ingressDeny", "egress", "egressDeny")) {
            if (chance(section.endsWith("Deny") ? 30 : 55)) {
                String dir = section.startsWith("ingress") ? "from" : "to";
                sb.append("  ").append(section).append(": [").append(join(random.nextInt(1, 3), () -> cnpRule(dir))).append("]\n");
            }
        }
        if (chance(20)) {
            sb.append("  enableDefaultDeny: {").append(pick(List.of("ingress: false", "egress: false", "ingress: false, egress: false"))).append("}\n");
        }
        return sb.toString();
    }

    String policy() {
        return chance(50) ? networkPolicy() : ciliumPolicy();
    }

    private String join(int n, java.util.function.Supplier<String> item) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(item.get());
        }
        return String.join(", ", out);
    }
}
