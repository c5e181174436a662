package dev.bulwark.chaos.convergence;

import dev.bulwark.chaos.convergence.ClusterInputs.PodSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The seeded source of input changes: pods added, removed and relabelled, NetworkPolicies and
 * CiliumNetworkPolicies created, replaced and deleted, drawn from a small vocabulary of labels so that
 * selectors keep matching and un-matching pods. Pure: the next change is a function of the inputs and
 * the random source. Policies select by labels only (no CIDR rules: CIDR identities are node-local
 * numbers, so an independent compile would number them differently).
 */
public final class InputGenerator {

    static final List<String> APPS = List.of("web", "api", "db", "cache");
    static final List<String> TIERS = List.of("front", "back");
    static final List<String> TEAMS = List.of("a", "b");
    static final List<String> NAMESPACES = List.of("cv-a", "cv-b");
    static final int MAX_PODS = 14;
    static final int MIN_PODS = 3;
    static final int POLICY_SLOTS = 3;

    /**
     * One change of the inputs.
     *
     * @param f      the history function: add-pod, remove-pod, relabel-pod, put-np, delete-np, put-cnp, delete-cnp
     * @param target the pod key or policy file changed
     * @param after  the inputs after the change
     */
    public record Change(String f, String target, String detail, ClusterInputs after) {
    }

    private InputGenerator() {
    }

    /** Two namespaces, {@code nodes} nodes with two pods each, one NetworkPolicy and one CNP. */
    public static ClusterInputs initial(int nodes, SplittableRandom random) {
        if (nodes < 1 || nodes > 9) {
            throw new IllegalArgumentException("nodes: 1..9, got " + nodes);
        }
        SortedMap<String, SortedMap<String, String>> ns = new TreeMap<>();
        ns.put("cv-a", new TreeMap<>(java.util.Map.of("env", "prod")));
        ns.put("cv-b", new TreeMap<>(java.util.Map.of("env", "dev")));
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            names.add("w" + i);
        }
        ClusterInputs in = new ClusterInputs(ns, names, new TreeMap<>(), new TreeMap<>(), 0);
        for (int i = 0; i < 2 * nodes; i++) {
            in = addPod(in, random, names.get(i % nodes)).after();
        }
        in = in.withPolicy("np-cv-a-np0.yaml", networkPolicy("cv-a", "np0", 0, random));
        return in.withPolicy("cnp-cv-a-cnp0.yaml", ciliumPolicy("cv-a", "cnp0", 0, random));
    }

    public static Change next(ClusterInputs in, SplittableRandom random) {
        int roll = random.nextInt(100);
        if (roll < 15 && in.pods().size() < MAX_PODS || in.pods().size() < MIN_PODS) {
            return addPod(in, random, in.nodes().get(random.nextInt(in.nodes().size())));
        }
        if (roll < 25 && in.pods().size() > MIN_PODS) {
            String key = pick(new ArrayList<>(in.pods().keySet()), random);
            return new Change("remove-pod", key, in.pods().get(key).node(), in.withoutPod(key));
        }
        if (roll < 50) {
            PodSpec p = in.pods().get(pick(new ArrayList<>(in.pods().keySet()), random));
            SortedMap<String, String> labels = labels(random);
            return new Change("relabel-pod", p.key(), ClusterInputs.flow(labels), in.withPod(p.withLabels(labels), in.nextPod()));
        }
        boolean cnp = roll >= 75;
        String ns = pick(NAMESPACES, random);
        String name = (cnp ? "cnp" : "np") + random.nextInt(POLICY_SLOTS);
        String file = (cnp ? "cnp-" : "np-") + ns + "-" + name + ".yaml";
        if (in.policies().containsKey(file) && random.nextInt(3) == 0) {
            return new Change(cnp ? "delete-cnp" : "delete-np", file, null, in.withPolicy(file, null));
        }
        int shape = random.nextInt(4);
        String yaml = cnp ? ciliumPolicy(ns, name, shape, random) : networkPolicy(ns, name, shape, random);
        return new Change(cnp ? "put-cnp" : "put-np", file, "shape " + shape, in.withPolicy(file, yaml));
    }

    private static Change addPod(ClusterInputs in, SplittableRandom random, String node) {
        int n = in.nextPod();
        int nodeIndex = in.nodes().indexOf(node);
        PodSpec p = new PodSpec(pick(NAMESPACES, random), "p" + n, node, "10.244." + (nodeIndex + 1) + "." + (10 + n),
                labels(random), random.nextBoolean() ? 80 : 8080);
        return new Change("add-pod", p.key(), node + " " + ClusterInputs.flow(p.labels()), in.withPod(p, n + 1));
    }

    private static SortedMap<String, String> labels(SplittableRandom random) {
        SortedMap<String, String> l = new TreeMap<>();
        l.put("app", pick(APPS, random));
        l.put("tier", pick(TIERS, random));
        if (random.nextBoolean()) {
            l.put("team", pick(TEAMS, random));
        }
        return l;
    }

    static String networkPolicy(String ns, String name, int shape, SplittableRandom random) {
        String head = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: " + name + ", namespace: " + ns
                + "}\nspec:\n";
        String target = "  podSelector: {matchLabels: {app: " + pick(APPS, random) + "}}\n";
        String port = pick(List.of("80", "8080", "http"), random);
        return head + switch (shape) {
            case 0 -> target + "  policyTypes: [Ingress]\n  ingress:\n  - from: [{podSelector: {matchLabels: {app: "
                    + pick(APPS, random) + "}}}]\n    ports: [{port: " + port + ", protocol: TCP}]\n";
            case 1 -> target + "  policyTypes: [Ingress]\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: {env: prod}}, "
                    + "podSelector: {matchLabels: {tier: " + pick(TIERS, random) + "}}}]\n";
            case 2 -> target + "  policyTypes: [Egress]\n  egress:\n  - to: [{podSelector: {matchLabels: {tier: "
                    + pick(TIERS, random) + "}}}]\n    ports: [{port: " + port + ", protocol: TCP}]\n";
            default -> "  podSelector: {matchLabels: {tier: " + pick(TIERS, random) + "}}\n  policyTypes: [Ingress]\n";
        };
    }

    static String ciliumPolicy(String ns, String name, int shape, SplittableRandom random) {
        String head = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: " + name + ", namespace: " + ns
                + "}\nspec:\n  endpointSelector: {matchLabels: {app: " + pick(APPS, random) + "}}\n";
        return head + switch (shape) {
            case 0 -> "  ingress:\n  - fromEndpoints: [{matchLabels: {app: " + pick(APPS, random) + "}}]\n"
                    + "    toPorts: [{ports: [{port: \"" + pick(List.of("80", "8080"), random) + "\", protocol: TCP}]}]\n";
            case 1 -> "  ingressDeny:\n  - fromEndpoints: [{matchLabels: {team: " + pick(TEAMS, random) + "}}]\n";
            case 2 -> "  egress:\n  - toEndpoints: [{matchLabels: {tier: " + pick(TIERS, random) + "}}]\n"
                    + "    toPorts: [{ports: [{port: \"8080\", protocol: TCP}]}]\n";
            default -> "  ingress:\n  - fromEndpoints: [{matchLabels: {team: " + pick(TEAMS, random) + "}}]\n";
        };
    }

    private static <T> T pick(List<T> from, SplittableRandom random) {
        return from.get(random.nextInt(from.size()));
    }
}
