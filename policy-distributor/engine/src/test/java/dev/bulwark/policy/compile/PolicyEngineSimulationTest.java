package dev.bulwark.policy.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.model.Cidr;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.model.policy.PolicyLookup;
import dev.bulwark.model.policy.Protocols;
import dev.bulwark.policy.api.IdentityLabels;
import dev.bulwark.policy.api.Policy;
import dev.bulwark.policy.api.PolicyRef;
import dev.bulwark.policy.identity.SequentialIdentities;
import dev.bulwark.policy.parse.PolicyParser;
import dev.bulwark.testkit.Seeds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Seeded property tests on random small clusters and policies (our own generators, JUnit Jupiter):
 * after every random change the incrementally maintained state equals a full recompute from scratch,
 * the returned deltas applied to the previous state give the new state, and the compiled maps decide
 * every probe as {@link NaiveEvaluator} (the spec's semantics evaluated directly on the rules) does.
 */
class PolicyEngineSimulationTest {

    private static final int RUNS = 40;
    private static final int STEPS = 25;
    private static final int[][] PORTS = {{80, Protocols.TCP}, {81, Protocols.UDP}, {85, Protocols.UDP}, {443, Protocols.TCP},
            {81, Protocols.TCP}, {80, Protocols.SCTP}};

    private final PolicyParser parser = new PolicyParser("default");

    @Test
    void incrementalEqualsFullRecomputeAndNaiveSemantics() throws Exception {
        Seeds.run("policy engine simulation", random -> {
            for (int run = 0; run < RUNS; run++) {
                new Run(random, EngineConfig.DEFAULT).execute();
            }
        });
    }

    /**
     * With a small entry limit under lockdown, the installed state is still a function of the inputs
     * (empty when over the limit), so endpoints overflowing and recovering inside shared policy groups
     * must also equal a full recompute and replay from the deltas.
     */
    @Test
    void overflowInsideSharedGroupsEqualsFullRecompute() throws Exception {
        Seeds.run("policy engine overflow simulation", random -> {
            for (int run = 0; run < RUNS / 2; run++) {
                Run r = new Run(random, EngineConfig.DEFAULT.withEntryLimit(4 + random.nextInt(8)).withOverflowMode(OverflowMode.LOCKDOWN));
                r.probeAtEnd = false;
                r.execute();
            }
        });
    }

    private final class Run {
        final RandomGenerator random;
        final RandomPolicies gen;
        final SequentialIdentities identities = new SequentialIdentities();
        final EngineConfig config;
        final PolicyEngine engine;
        boolean probeAtEnd = true;
        final Map<String, Map<String, String>> namespaces = new TreeMap<>();
        final Map<String, Pod> pods = new TreeMap<>();
        final Map<PolicyRef, Policy> policies = new TreeMap<>();
        final Map<String, TreeMap<PolicyKey, PolicyEntry>> shadow = new TreeMap<>();

        Run(RandomGenerator random, EngineConfig config) {
            this.random = random;
            this.config = config;
            this.gen = new RandomPolicies(random);
            this.engine = new PolicyEngine(config, identities);
        }

        void execute() {
            for (String ns : RandomPolicies.NAMESPACES) {
                Map<String, String> labels = Map.of("ns", ns, "kubernetes.io/metadata.name", ns, "team", random.nextBoolean() ? "blue" : "red");
                namespaces.put(ns, labels);
                track(engine.upsertNamespace(ns, labels));
            }
            for (int i = 0; i < 6; i++) {
                upsertPod(randomPod("p" + i));
            }
            for (int step = 0; step < STEPS; step++) {
                switch (random.nextInt(7)) {
                    case 0, 1, 2 -> addPolicy();
                    case 3 -> removePolicy();
                    case 4 -> upsertPod(randomPod("p" + random.nextInt(9)));
                    case 5 -> removePod();
                    default -> relabelNamespace();
                }
                check();
            }
            if (probeAtEnd) {
                probe();
            }
        }

        Pod randomPod(String name) {
            String ns = RandomPolicies.NAMESPACES.get(random.nextInt(3));
            Map<String, String> labels = new HashMap<>();
            labels.put("app", List.of("a", "b", "c").get(random.nextInt(3)));
            if (random.nextBoolean()) {
                labels.put("tier", random.nextBoolean() ? "web" : "db");
            }
            // Named ports are a function of the labels: pods sharing an identity declare the same ports.
            List<NamedPort> ports = new ArrayList<>(List.of(new NamedPort("serve-80-tcp", 80, Protocols.TCP)));
            if (labels.get("app").equals("b")) {
                ports.add(new NamedPort("serve-81-udp", 81, Protocols.UDP));
                ports.add(new NamedPort("serve-81-tcp", 81, Protocols.TCP));
            }
            int index = Integer.parseInt(name.substring(1));
            Cidr ip = Cidr.parse("10.244." + (RandomPolicies.NAMESPACES.indexOf(ns) + 1) + "." + (index + 1) + "/32");
            return new Pod(ns, name, labels, ip, ports);
        }

        void upsertPod(Pod pod) {
            pods.values().removeIf(p -> p.name().equals(pod.name()) && !p.namespace().equals(pod.namespace()));
            for (String ep : engine.endpoints()) {
                if (ep.endsWith("/" + pod.name()) && !ep.equals(pod.key())) {
                    track(engine.removePod(ep.substring(0, ep.indexOf('/')), pod.name()));
                }
            }
            pods.put(pod.key(), pod);
            track(engine.upsertPod(pod));
        }

        void removePod() {
            if (pods.isEmpty()) {
                return;
            }
            Pod p = new ArrayList<>(pods.values()).get(random.nextInt(pods.size()));
            pods.remove(p.key());
            track(engine.removePod(p.namespace(), p.name()));
        }

        void relabelNamespace() {
            String ns = RandomPolicies.NAMESPACES.get(random.nextInt(3));
            Map<String, String> labels = new HashMap<>(namespaces.get(ns));
            labels.put("team", labels.get("team").equals("blue") ? "red" : "blue");
            namespaces.put(ns, labels);
            track(engine.upsertNamespace(ns, labels));
        }

        void addPolicy() {
            Policy p = parser.parseOne(gen.policy());
            if (random.nextInt(4) == 0 && !policies.isEmpty()) {
                // replace an existing policy under the same name
                PolicyRef old = new ArrayList<>(policies.keySet()).get(random.nextInt(policies.size()));
                p = new Policy(old, p.rules().stream().map(r -> new dev.bulwark.policy.api.Rule(old, r.path(), r.subject(),
                        r.direction(), r.action(), r.isolates(), r.peers(), r.ports(), r.l7(), r.authRequired())).toList());
            }
            policies.put(p.ref(), p);
            track(engine.apply(List.of(p), List.of()));
        }

        void removePolicy() {
            if (policies.isEmpty()) {
                return;
            }
            PolicyRef ref = new ArrayList<>(policies.keySet()).get(random.nextInt(policies.size()));
            policies.remove(ref);
            track(engine.apply(List.of(), List.of(ref)));
        }

        void track(PolicyDelta delta) {
            for (EndpointDelta d : delta.endpoints().values()) {
                if (d.deleted()) {
                    shadow.remove(d.endpoint());
                    continue;
                }
                TreeMap<PolicyKey, PolicyEntry> map = shadow.computeIfAbsent(d.endpoint(), k -> new TreeMap<>());
                d.removals().forEach(map::remove);
                map.putAll(d.upserts());
            }
        }

        void check() {
            PolicyEngine fresh = new PolicyEngine(config, identities);
            namespaces.forEach(fresh::upsertNamespace);
            pods.values().forEach(fresh::upsertPod);
            fresh.apply(policies.values(), List.of());
            assertEquals(fresh.endpoints(), engine.endpoints(), "endpoints");
            // An endpoint whose map is empty (isolated both ways, nothing allowed) gets no delta entries.
            assertEquals(List.of(), shadow.keySet().stream().filter(ep -> !engine.endpoints().contains(ep)).toList(),
                    "endpoints deleted by deltas");
            for (String ep : engine.endpoints()) {
                MapState incremental = engine.policyOf(ep).installed();
                assertEquals(canonical(fresh, fresh.policyOf(ep).installed()), canonical(engine, incremental),
                        "incremental state of " + ep + " differs from a full recompute; policies:\n" + policies.values());
                assertEquals(incremental.entries(), shadow.getOrDefault(ep, new TreeMap<>()), "deltas applied to the previous state of " + ep);
            }
        }

        /** Map state with identities written as their label sets: local CIDR numbering may differ. */
        Map<String, String> canonical(PolicyEngine e, MapState state) {
            Map<String, String> out = new TreeMap<>();
            state.entries().forEach((k, v) -> {
                IdentityLabels labels = e.identities().get(k.remoteIdentity());
                String who = k.remoteIdentity() == 0 ? "*" : labels == null ? "?" + k.remoteIdentity() : labels.labels().canonical();
                out.put(who + " " + k.direction() + " " + k.protocol() + " " + k.port() + "/" + k.portPrefixLength(), v.toString() + " " + v.ruleRef());
            });
            return out;
        }

        void probe() {
            NaiveEvaluator naive = new NaiveEvaluator(policies.values(), namespaces, pods);
            Ipcache ipcache = engine.ipcache();
            List<String> ends = new ArrayList<>(pods.keySet());
            ends.addAll(RandomPolicies.OUTSIDE);
            for (String from : ends) {
                for (String to : ends) {
                    if (from.equals(to) || (!pods.containsKey(from) && !pods.containsKey(to))) {
                        continue;
                    }
                    for (int[] port : PORTS) {
                        boolean expected = naive.allowed(from, to, port[0], port[1]);
                        boolean actual = decide(ipcache, from, to, port[0], port[1]);
                        assertEquals(expected, actual, from + " -> " + to + " " + port[0] + "/" + Protocols.name(port[1])
                                + " (naive vs compiled); policies:\n" + policies.values());
                    }
                }
            }
        }

        boolean decide(Ipcache ipcache, String from, String to, int port, int protocol) {
            int src = ipcache.lookup(address(from));
            int dst = ipcache.lookup(address(to));
            boolean ok = true;
            if (pods.containsKey(from)) {
                ok &= PolicyLookup.decide(engine.policyOf(from).installed(), dst, Direction.EGRESS, protocol, port).allowed();
            }
            if (pods.containsKey(to)) {
                ok &= PolicyLookup.decide(engine.policyOf(to).installed(), src, Direction.INGRESS, protocol, port).allowed();
            }
            return ok;
        }

        Cidr address(String end) {
            Pod p = pods.get(end);
            return p != null ? p.ip() : Cidr.parse(end);
        }
    }
}
