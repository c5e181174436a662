package dev.bulwark.policy.distribution.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.model.LabelSet;
import dev.bulwark.policy.compile.EngineConfig;
import dev.bulwark.policy.distribution.source.KubeObject;
import dev.bulwark.policy.distribution.source.ManifestParser;
import dev.bulwark.policy.distribution.source.ObjectKind;
import dev.bulwark.testkit.Seeds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** The long-lived incremental engine gives what a full rebuild gives, after every random change. */
class IncrementalCompilationSimulationTest {

    private static final Path EXAMPLES = Path.of("../../examples");
    private static final String[] APPS = {"frontend", "backend", "db", "cache"};

    @Test
    void incrementalEqualsFullRebuildAfterEveryChange() throws Exception {
        List<KubeObject> policyPool = new ArrayList<>();
        for (String f : List.of("10-default-deny.yaml", "20-frontend-to-backend.yaml", "30-backend-to-db.yaml",
                "40-deny-frontend-to-db.yaml")) {
            policyPool.addAll(ManifestParser.parse(Files.readString(EXAMPLES.resolve(f))));
        }
        policyPool.addAll(ManifestParser.parse("""
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: broken, namespace: shop}
                spec: {endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: "99999"}]}]}]}
                ---
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: world-egress, namespace: shop}
                spec: {endpointSelector: {matchLabels: {app: frontend}}, egress: [{toCIDR: [203.0.113.0/24]}]}
                """));
        Seeds.run("incremental engine == full rebuild", random -> {
            IncrementalEngineCompilation incremental = new IncrementalEngineCompilation(EngineConfig.DEFAULT);
            Map<LabelSet, Integer> ids = new HashMap<>();
            Map<KubeObject.Key, KubeObject> objects = new HashMap<>();
            for (int step = 0; step < 60; step++) {
                mutate(random, objects, policyPool);
                var extraction = PodEndpoints.extract(objects);
                List<Workload> workloads = extraction.endpoints().stream().map(e -> new Workload(e.endpoint(), e.namespace(),
                        e.name(), e.nodeName(), e.ips(), e.podLabels(), e.labels(),
                        ids.computeIfAbsent(e.labels(), k -> 256 + ids.size()), e.namedPorts())).toList();
                List<KubeObject> policies = objects.values().stream().filter(o -> o.kind().isPolicy()).toList();
                var nsLabels = PodEndpoints.namespaceLabels(objects);
                var want = new EngineCompilation(EngineConfig.DEFAULT).compile(policies, nsLabels, workloads);
                var got = incremental.compile(policies, nsLabels, workloads);
                // Node-local CIDR identities are numbered by whichever engine allocated them: compare by prefix.
                for (String endpoint : want.mapStates().keySet()) {
                    assertEquals(normalized(want, endpoint), normalized(got, endpoint),
                            "step " + step + " endpoint " + endpoint + "\nobjects: " + describe(objects));
                }
                assertEquals(want.cidrPrefixes().keySet(), got.cidrPrefixes().keySet(), "cidr prefixes at step " + step);
                assertEquals(want.problems().keySet(), got.problems().keySet(), "problems at step " + step);
            }
        });
    }

    private static Map<String, String> normalized(PolicyCompilation.Compiled c, String endpoint) {
        Map<Integer, String> prefixOf = new HashMap<>();
        c.cidrPrefixes().forEach((prefix, id) -> prefixOf.merge(id, prefix, (a, b) -> a.compareTo(b) < 0 ? a : b));
        Map<String, String> out = new java.util.TreeMap<>();
        c.mapStates().get(endpoint).entries().forEach((k, v) -> {
            String remote = prefixOf.getOrDefault(k.remoteIdentity(), Integer.toUnsignedString(k.remoteIdentity()));
            out.put(remote + " " + k.direction() + " " + k.protocol() + " " + k.port() + "/" + k.portPrefixLength(),
                    v.datapathValue().toString());
        });
        return out;
    }

    private static String describe(Map<KubeObject.Key, KubeObject> objects) {
        StringBuilder sb = new StringBuilder();
        objects.values().stream().sorted(java.util.Comparator.comparing(o -> o.key().toString())).forEach(o -> sb.append("\n  ")
                .append(o.key()).append(' ').append(o.labels()).append(' ').append(o.string("spec", "nodeName").orElse(""))
                .append(' ').append(o.at("spec", "containers").orElse("")));
        return sb.toString();
    }

    private static void mutate(RandomGenerator r, Map<KubeObject.Key, KubeObject> objects, List<KubeObject> policyPool) {
        switch (r.nextInt(4)) {
            case 0 -> {
                KubeObject p = policyPool.get(r.nextInt(policyPool.size()));
                if (objects.remove(p.key()) == null) {
                    objects.put(p.key(), p);
                }
            }
            case 1 -> {
                String ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {team: " + (r.nextBoolean() ? "a" : "b") + "}}\n";
                KubeObject o = ManifestParser.parse(ns).getFirst();
                objects.put(o.key(), o);
            }
            default -> {
                int i = r.nextInt(APPS.length);
                String name = "pod" + i;
                KubeObject.Key key = new KubeObject.Key(ObjectKind.POD, "shop", name);
                if (objects.containsKey(key) && r.nextInt(3) == 0) {
                    objects.remove(key);
                } else {
                    String yaml = """
                            apiVersion: v1
                            kind: Pod
                            metadata: {name: %s, namespace: shop, labels: {app: %s}}
                            spec: {nodeName: n%d, containers: [{name: c, ports: [{name: api, containerPort: %d}]}]}
                            status: {podIP: 10.0.0.%d}
                            """.formatted(name, APPS[r.nextInt(APPS.length)], r.nextInt(2), 8080 + r.nextInt(2), i + 1);
                    KubeObject o = ManifestParser.parse(yaml).getFirst();
                    objects.put(o.key(), o);
                }
            }
        }
    }
}
