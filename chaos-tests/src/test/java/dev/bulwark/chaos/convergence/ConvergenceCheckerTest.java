package dev.bulwark.chaos.convergence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.chaos.checker.CheckResult;
import dev.bulwark.chaos.checker.Validity;
import dev.bulwark.chaos.convergence.Observation.AgentRow;
import dev.bulwark.chaos.convergence.Observation.AgentView;
import dev.bulwark.chaos.convergence.Observation.DistributorView;
import dev.bulwark.chaos.convergence.Observation.EndpointView;
import dev.bulwark.chaos.convergence.Observation.Expected;
import dev.bulwark.model.LabelSet;
import dev.bulwark.policy.compile.EngineConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The convergence checker on hand-made observations: agents that hold exactly the independently compiled
 * state pass; a missing or extra entry, a wrong identity, a missing endpoint, a version behind the
 * distributor's, a stale ipcache address are INVALID and named; what could not be read is UNKNOWN.
 */
class ConvergenceCheckerTest {

    private static final long SEED = 7;

    private ClusterInputs inputs;
    private Map<LabelSet, Integer> identities;
    private Expected expected;

    @BeforeEach
    void compile() {
        SplittableRandom random = new SplittableRandom(SEED);
        inputs = InputGenerator.initial(3, random);
        for (int i = 0; i < 120; i++) {
            inputs = InputGenerator.next(inputs, random).after();
        }
        identities = new HashMap<>();
        for (LabelSet set : new TreeSet<>(ExpectedState.identityLabels(inputs).values())) {
            identities.put(set, 256 + identities.size()); // what an allocator would hand out
        }
        expected = ExpectedState.compile(inputs, identities, EngineConfig.DEFAULT);
    }

    @Test
    void generatedPoliciesAreAllAcceptedAndSelectSomething() {
        assertEquals(List.of(), expected.rejected(), "every generated manifest parses");
        assertTrue(inputs.policies().size() >= 2, inputs.policies().keySet().toString());
        long entries = expected.byNode().values().stream().flatMap(m -> m.values().stream())
                .mapToLong(e -> e.entries().size()).sum();
        assertTrue(entries > 5, "policies select pods, so map state is not trivial: " + expected.byNode());
        assertEquals(inputs.pods().size(), expected.podIpcache().size());
    }

    @Test
    void generatorIsDeterministicPerSeed() {
        SplittableRandom a = new SplittableRandom(SEED);
        SplittableRandom b = new SplittableRandom(SEED);
        ClusterInputs x = InputGenerator.initial(3, a);
        ClusterInputs y = InputGenerator.initial(3, b);
        for (int i = 0; i < 50; i++) {
            x = InputGenerator.next(x, a).after();
            y = InputGenerator.next(y, b).after();
        }
        assertEquals(x.files(), y.files());
    }

    @Test
    void agentsHoldingExactlyTheCompiledStateAreValid() {
        CheckResult r = ConvergenceChecker.check(observation(UnaryOperator.identity(), 9));
        assertEquals(Validity.VALID, r.validity(), r.problems().toString());
        assertEquals(inputs.pods().size(), r.details().get("endpoints-checked"));
    }

    @Test
    void anAgentMissingAnEntryIsInvalidAndTheEntryIsNamed() {
        String[] removed = new String[2];
        CheckResult r = ConvergenceChecker.check(observation(a -> {
            if (!a.agent().equals("a2")) {
                return a;
            }
            Map<String, EndpointView> eps = new TreeMap<>(a.endpoints());
            String ep = eps.entrySet().stream().filter(e -> !e.getValue().entries().isEmpty()).findFirst().orElseThrow().getKey();
            TreeSet<String> entries = new TreeSet<>(eps.get(ep).entries());
            removed[0] = ep;
            removed[1] = entries.pollFirst();
            eps.put(ep, new EndpointView(eps.get(ep).identity(), entries));
            return new AgentView(a.agent(), a.node(), a.distributor(), null, a.version(), eps, a.ipcache());
        }, 9));
        assertEquals(Validity.INVALID, r.validity());
        assertEquals(List.of("agent a2 (node w2): endpoint " + removed[0] + " lacks entry " + removed[1]), r.problems());
    }

    @Test
    void extraEntriesWrongIdentitiesAndMissingEndpointsAreNamed() {
        CheckResult r = ConvergenceChecker.check(observation(a -> {
            Map<String, EndpointView> eps = new TreeMap<>(a.endpoints());
            String first = eps.keySet().iterator().next();
            switch (a.agent()) {
                case "a1" -> {
                    TreeSet<String> more = new TreeSet<>(eps.get(first).entries());
                    more.add("ingress id=999 TCP/443 allow");
                    eps.put(first, new EndpointView(eps.get(first).identity(), more));
                }
                case "a2" -> eps.put(first, new EndpointView(4, eps.get(first).entries()));
                default -> eps.remove(first);
            }
            return new AgentView(a.agent(), a.node(), a.distributor(), null, a.version(), eps, a.ipcache());
        }, 9));
        assertEquals(Validity.INVALID, r.validity());
        String all = String.join("\n", r.problems());
        assertTrue(all.contains("agent a1 (node w1): endpoint ") && all.contains("has extra entry ingress id=999 TCP/443 allow"), all);
        assertTrue(all.contains("agent a2 (node w2): endpoint ") && all.contains("has identity 4, expected"), all);
        assertTrue(all.contains("agent a3 (node w3): endpoint ") && all.contains("is missing"), all);
    }

    @Test
    void aVersionBehindTheDistributorsIsInvalid() {
        Observation o = observation(UnaryOperator.identity(), 9);
        Map<String, DistributorView> ds = new TreeMap<>(o.distributors());
        DistributorView d1 = ds.get("d1");
        Map<String, AgentRow> rows = new TreeMap<>(d1.agents());
        rows.put("w1", new AgentRow(9, 11, 2, 0, ""));
        ds.put("d1", new DistributorView("d1", null, 11, rows));
        CheckResult r = ConvergenceChecker.check(new Observation(o.agents(), ds, o.expected()));
        assertEquals(Validity.INVALID, r.validity());
        assertEquals(List.of("agent a1 (node w1): holds version 9, distributor d1 has the node at 11 (acknowledged 9, lag 2,"
                + " in flight 0 ms, 0 NACKs)"), r.problems());
    }

    @Test
    void aVersionBehindNamesTheLastNackAndWhatTheAgentsStreamSays() {
        Observation o = observation(a -> a.agent().equals("a2") ? new AgentView(a.agent(), a.node(), a.distributor(), null,
                a.version(), a.endpoints(), a.ipcache(), "connected, version 9, 4 ACKs, 1 NACKs, 0 reconnects") : a, 9);
        Map<String, DistributorView> ds = new TreeMap<>(o.distributors());
        ds.put("d2", new DistributorView("d2", null, 10, Map.of("w2",
                new AgentRow(9, 10, 1, 1, "version 10: code 9: base_version 8 is not the held version 9", 0))));
        CheckResult r = ConvergenceChecker.check(new Observation(o.agents(), ds, o.expected()));
        assertEquals(List.of("agent a2 (node w2): holds version 9, distributor d2 has the node at 10 (acknowledged 9, lag 1,"
                + " in flight 0 ms, 1 NACKs, last: version 10: code 9: base_version 8 is not the held version 9);"
                + " agent stream: connected, version 9, 4 ACKs, 1 NACKs, 0 reconnects"), r.problems());
    }

    /**
     * With what each distributor holds read in (a run that did not converge), every difference says which
     * side is wrong: an entry the distributor holds too is on the agent's side; one it lacks as well is the
     * distributor's own state.
     */
    @Test
    void differencesSayWhetherTheDistributorHoldsTheSame() {
        String[] lost = new String[1];
        Observation o = observation(a -> {
            if (!a.agent().equals("a1")) {
                return a;
            }
            Map<String, Long> ip = new TreeMap<>(a.ipcache());
            lost[0] = ip.keySet().stream().filter(p -> p.startsWith(ClusterInputs.POD_RANGE_PREFIX)).findFirst().orElseThrow();
            ip.remove(lost[0]);
            return new AgentView(a.agent(), a.node(), a.distributor(), null, a.version(), a.endpoints(), ip);
        }, 9);
        long id = expected.podIpcache().get(lost[0]);
        Map<String, Long> distributorAlsoLacks = new TreeMap<>(expected.podIpcache());
        distributorAlsoLacks.remove(lost[0]);
        Observation behind = o.withHeld(Map.of("a1", new Observation.HeldView("d1", "w1", null, 9,
                expected.byNode().get("w1"), expected.podIpcache())));
        assertEquals(List.of("agent a1 (node w1): ipcache lacks " + lost[0] + " -> " + id + " [d1 at 9 maps it to " + id + "]"),
                ConvergenceChecker.check(behind).problems(), "the agent did not get what its distributor holds");
        Observation wrongAtTheSource = o.withHeld(Map.of("a1", new Observation.HeldView("d1", "w1", null, 9,
                expected.byNode().get("w1"), distributorAlsoLacks)));
        assertEquals(List.of("agent a1 (node w1): ipcache lacks " + lost[0] + " -> " + id + " [d1 at 9 does not map it]"),
                ConvergenceChecker.check(wrongAtTheSource).problems(), "the distributor's own state lacks it");
        Observation unreadable = o.withHeld(Map.of("a1", Observation.HeldView.unreadable("d1", "w1", "TimeoutException")));
        assertTrue(ConvergenceChecker.check(unreadable).problems().getFirst().endsWith("[d1 unreadable: TimeoutException]"));
        assertEquals(Validity.INVALID, ConvergenceChecker.check(behind).validity(), "annotations change no verdict");
    }

    @Test
    void aStaleOrMissingPodAddressInTheIpcacheIsInvalid() {
        CheckResult r = ConvergenceChecker.check(observation(a -> {
            if (!a.agent().equals("a3")) {
                return a;
            }
            Map<String, Long> ip = new TreeMap<>(a.ipcache());
            String gone = ip.keySet().iterator().next();
            ip.remove(gone);
            ip.put("10.244.9.250/32", 300L);
            return new AgentView(a.agent(), a.node(), a.distributor(), null, a.version(), a.endpoints(), ip);
        }, 9));
        assertEquals(Validity.INVALID, r.validity());
        assertEquals(2, r.problems().size(), r.problems().toString());
        assertTrue(r.problems().get(1).contains("ipcache still maps 10.244.9.250/32 (no such pod) to 300"), r.problems().toString());
    }

    @Test
    void unreadableAgentsOrAnIncompleteExpectationAreUnknown() {
        Observation o = observation(UnaryOperator.identity(), 9);
        Map<String, AgentView> agents = new TreeMap<>(o.agents());
        agents.put("a1", AgentView.unreadable("a1", "w1", "d1", "connection refused"));
        CheckResult r = ConvergenceChecker.check(new Observation(agents, o.distributors(), o.expected()));
        assertEquals(Validity.UNKNOWN, r.validity());
        assertTrue(r.problems().getFirst().contains("agent a1 (node w1) unreadable: connection refused"), r.problems().toString());

        Map<LabelSet, Integer> fewer = new HashMap<>(identities);
        fewer.remove(fewer.keySet().iterator().next());
        Expected incomplete = ExpectedState.compile(inputs, fewer, EngineConfig.DEFAULT);
        CheckResult u = ConvergenceChecker.check(new Observation(o.agents(), o.distributors(), incomplete));
        assertEquals(Validity.UNKNOWN, u.validity());
        assertTrue(u.problems().getFirst().startsWith("no identity in the allocator for pod "), u.problems().toString());
    }

    /** Three agents (a1..a3 on w1..w3; a1 and a3 on d1, a2 on d2) holding the expected state, then {@code edit}. */
    private Observation observation(UnaryOperator<AgentView> edit, long version) {
        Map<String, AgentView> agents = new TreeMap<>();
        Map<String, Map<String, AgentRow>> rows = new TreeMap<>(Map.of("d1", new TreeMap<>(), "d2", new TreeMap<>()));
        for (int i = 1; i <= 3; i++) {
            String node = "w" + i;
            String dist = i == 2 ? "d2" : "d1";
            AgentView a = new AgentView("a" + i, node, dist, null, version, expected.byNode().get(node), expected.podIpcache());
            agents.put(a.agent(), edit.apply(a));
            rows.get(dist).put(node, new AgentRow(version, version, 0, 0, ""));
        }
        Map<String, DistributorView> ds = new TreeMap<>();
        rows.forEach((d, r) -> ds.put(d, new DistributorView(d, null, version, r)));
        return new Observation(agents, ds, expected);
    }
}
