package dev.bulwark.policy.distribution.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.testkit.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StateHistorySimulationTest {

    private static final int NODES = 4;

    @Test
    void resumingFromAnyRetainedRevisionReachesTheCurrentViewOfEveryNode() throws Exception {
        Seeds.run("history resume", random -> {
            StateHistory history = new StateHistory(16);
            List<ClusterState> states = new ArrayList<>();
            List<Long> revisions = new ArrayList<>();
            ClusterState desired = ClusterState.EMPTY;
            states.add(desired);
            revisions.add(0L);
            for (int step = 0; step < 200; step++) {
                ClusterState next = StateGenerators.mutate(random, desired, NODES);
                Optional<StateHistory.Revision> rev = history.apply(ClusterChange.between(desired, next), step);
                assertEquals(!next.equals(desired) && !ClusterChange.between(desired, next).isEmpty(), rev.isPresent());
                desired = next;
                states.add(desired);
                revisions.add(history.current().revision());
                for (int n = 0; n < NODES; n++) {
                    String node = "n" + n;
                    NodeView want = desired.view(node);
                    assertEquals(want.digest(), history.current().nodeDigest(node), "incremental digest");
                    int back = random.nextInt(states.size());
                    long known = revisions.get(back);
                    Optional<Snapshot> base = history.at(known);
                    if (known >= history.oldestRevision()) {
                        assertTrue(base.isPresent(), "retained revision " + known);
                        NodeView held = states.get(back).view(node);
                        assertEquals(held, base.get().view(node));
                        NodeView applied = history.deltaFrom(base.get(), node).applyTo(held);
                        assertEquals(want, applied, "step " + step + " node " + node + " from " + known);
                    } else {
                        assertFalse(base.isPresent(), "trimmed revision " + known);
                    }
                }
            }
        });
    }

    @Test
    void aRelistThatChangesNothingCreatesNoRevision() throws Exception {
        Seeds.run("relist no-op", random -> {
            StateHistory history = new StateHistory(4);
            ClusterState state = StateGenerators.cluster(random, NODES);
            history.apply(ClusterChange.between(ClusterState.EMPTY, state), 1);
            long rev = history.current().revision();
            // A relist re-announces every object: upserting identical content is not a change.
            var everything = new ClusterChange(state.ipcache(), java.util.Set.of(), state.nodes(), java.util.Map.of());
            assertTrue(history.apply(everything, 2).isEmpty());
            assertEquals(rev, history.current().revision());
        });
    }

    @Test
    void onlyNodesWhoseEndpointsChangedAreAffectedUnlessTheIpcacheChanged() {
        StateHistory history = new StateHistory(4);
        var ep = EndpointState.of("a/p", 300, List.of("10.0.0.1"), dev.bulwark.model.policy.MapState.allowAll());
        var change = new ClusterChange(java.util.Map.of(), java.util.Set.of(),
                java.util.Map.of("n1", java.util.Map.of("a/p", ep)), java.util.Map.of());
        StateHistory.Revision r = history.apply(change, 0).orElseThrow();
        assertTrue(r.affects("n1"));
        assertFalse(r.affects("n2"));
        var ipChange = new ClusterChange(java.util.Map.of("10.0.0.1/32", new IpcacheMapping(300, "n1")),
                java.util.Set.of(), java.util.Map.of(), java.util.Map.of());
        StateHistory.Revision r2 = history.apply(ipChange, 0).orElseThrow();
        assertTrue(r2.affects("n2"));
        assertEquals(r2.snapshot().revision(), history.current().nodeVersion("n2"));
    }

    @Test
    void observingAPeerVersionMovesTheClockPastIt() {
        StateHistory history = new StateHistory(4);
        history.observe(1_000);
        var ipChange = new ClusterChange(java.util.Map.of("10.0.0.1/32", new IpcacheMapping(300, "")),
                java.util.Set.of(), java.util.Map.of(), java.util.Map.of());
        assertEquals(1_001, history.apply(ipChange, 0).orElseThrow().snapshot().revision());
    }
}
