package dev.bulwark.policy.bench;

import dev.bulwark.model.Cidr;
import dev.bulwark.model.policy.Protocols;
import dev.bulwark.policy.api.Policy;
import dev.bulwark.policy.compile.NamedPort;
import dev.bulwark.policy.compile.Pod;
import dev.bulwark.policy.parse.PolicyParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A deterministic, realistic cluster for the policy benchmark: {@code namespaces} namespaces of
 * {@code appsPerNamespace} apps, one pod (so one identity) per app, and per namespace a mix of
 * policies: a default deny, allow from the same namespace on 80/TCP, app-to-app rules, CIDR egress
 * with except, a CNP deny from a neighbouring namespace and a named-port rule.
 */
public record BenchWorkload(int namespaces, int appsPerNamespace, int policiesPerNamespace) {

    public BenchWorkload {
        if (namespaces < 2 || appsPerNamespace < 4 || policiesPerNamespace < 6) {
            throw new IllegalArgumentException("need at least 2 namespaces, 4 apps and 6 policies per namespace");
        }
    }

    /** 10k identities x 2k policies: 100 namespaces x 100 apps, 20 policies per namespace. */
    public static final BenchWorkload DEFAULT = new BenchWorkload(100, 100, 20);

    public int identities() {
        return namespaces * appsPerNamespace;
    }

    public static String namespace(int n) {
        return "ns" + n;
    }

    public Map<String, String> namespaceLabels(int n) {
        return Map.of("kubernetes.io/metadata.name", namespace(n), "team", "t" + (n % 10));
    }

    public Pod pod(int n, int app, String suffix, String tier) {
        return new Pod(namespace(n), "app" + app + suffix, Map.of("app", "app" + app, "tier", tier),
                Cidr.parse("10." + (100 + n / 250) + "." + (n % 250) + "." + (app + 1) + "/32"),
                List.of(new NamedPort("http", 8080, Protocols.TCP), new NamedPort("metrics", 9090, Protocols.TCP)));
    }

    /** The tier label of app {@code app}'s pod in {@link #pods()}: every third app is a web app. */
    public static String tier(int app) {
        return app % 3 == 0 ? "web" : "backend";
    }

    public List<Pod> pods() {
        List<Pod> out = new ArrayList<>();
        for (int n = 0; n < namespaces; n++) {
            for (int a = 0; a < appsPerNamespace; a++) {
                out.add(pod(n, a, "", tier(a)));
            }
        }
        return out;
    }

    public List<Policy> policies() {
        PolicyParser parser = new PolicyParser("default");
        List<Policy> out = new ArrayList<>();
        for (int n = 0; n < namespaces; n++) {
            for (String yaml : namespacePolicies(n)) {
                out.add(parser.parseOne(yaml));
            }
        }
        return out;
    }

    private List<String> namespacePolicies(int n) {
        String ns = namespace(n);
        List<String> out = new ArrayList<>();
        out.add(knp(ns, "default-deny", "{}", "policyTypes: [Ingress]"));
        out.add(knp(ns, "same-namespace-80", "{}", "ingress: [{from: [{podSelector: {}}], ports: [{port: 80}]}]"));
        out.add(knp(ns, "egress-cidr", "{matchLabels: {tier: backend}}",
                "policyTypes: [Egress]\n  egress: [{to: [{ipBlock: {cidr: 172.16.0.0/12, except: [172.16." + (n % 256) + ".0/24]}}],"
                        + " ports: [{port: 5432}]}, {to: [{podSelector: {}}]},"
                        + " {to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ns0}}, podSelector: {matchLabels: {app: app0}}}],"
                        + " ports: [{port: 53, protocol: UDP}]}]"));
        out.add(knp(ns, "named-metrics", "{matchLabels: {tier: web}}",
                "ingress: [{from: [{namespaceSelector: {matchLabels: {team: t0}}}], ports: [{port: metrics}]}]"));
        out.add("""
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: deny-ssh, namespace: %s}
                spec:
                  endpointSelector: {}
                  ingressDeny:
                  - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: %s}}]
                    toPorts: [{ports: [{port: "22", protocol: TCP}]}]
                """.formatted(ns, namespace((n + 1) % namespaces)));
        for (int i = out.size(); i < policiesPerNamespace; i++) {
            int subject = (i * 7) % appsPerNamespace;
            int peer = (i * 13 + 1) % appsPerNamespace;
            out.add(knp(ns, "app" + subject + "-from-app" + peer + "-" + i, "{matchLabels: {app: app" + subject + "}}",
                    "ingress: [{from: [{podSelector: {matchLabels: {app: app" + peer + "}}}], ports: [{port: 8000, endPort: 8100}, {port: 443}]}]"));
        }
        return out;
    }

    private static String knp(String ns, String name, String podSelector, String body) {
        return "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: " + name + ", namespace: " + ns
                + "}\nspec:\n  podSelector: " + podSelector + "\n  " + body + "\n";
    }

    /** A small namespace with a small policy: the shape of Cilium's resolve benchmark. */
    public static final String QUIET = "quiet";

    public List<Pod> quietPods() {
        List<Pod> out = new ArrayList<>();
        for (int a = 0; a < 10; a++) {
            out.add(new Pod(QUIET, "svc" + a, Map.of("app", "svc" + a), Cidr.parse("10.99.0." + (a + 1) + "/32"), List.of()));
        }
        return out;
    }

    public List<Policy> quietPolicies() {
        PolicyParser parser = new PolicyParser("default");
        return List.of(parser.parseOne(knp(QUIET, "default-deny", "{}", "policyTypes: [Ingress, Egress]")),
                parser.parseOne(knp(QUIET, "same-namespace", "{}", "ingress: [{from: [{podSelector: {}}]}]\n  egress: [{to: [{podSelector: {}}]}]")));
    }

    /** Rules that select nobody in namespace {@code ns0}: what a resolve there must not pay for. */
    public List<Policy> unrelated(int count) {
        PolicyParser parser = new PolicyParser("default");
        List<Policy> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String ns = i % 2 == 0 ? namespace(0) : "other" + (i % 500); // half share the resolved namespace
            out.add(parser.parseOne(knp(ns, "r" + i, "{matchLabels: {app: x" + i + "}}",
                    "ingress: [{from: [{podSelector: {matchLabels: {app: y" + i + "}}}], ports: [{port: " + (1 + i % 60000) + "}]}]")));
        }
        return out;
    }
}
