package dev.bulwark.policy.distribution.stream;

import static dev.bulwark.policy.distribution.stream.StreamHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.policy.distribution.agentsim.AgentBehaviour;
import dev.bulwark.policy.distribution.agentsim.SimulatedAgent;
import dev.bulwark.policy.distribution.state.ClusterChange;
import dev.bulwark.policy.distribution.state.ClusterState;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The stream protocol over real gRPC on loopback, with agents applying deltas to in-memory maps. */
class PolicyStreamIT {

    private StreamHarness replica;
    private ClusterState desired = ClusterState.EMPTY;

    @AfterEach
    void stop() throws Exception {
        if (replica != null) {
            replica.close();
        }
    }

    private void publish(ClusterState next) throws Exception {
        replica.loop.publish(ClusterChange.between(desired, next)).get();
        desired = next;
    }

    private void awaitConverged(SimulatedAgent agent) throws InterruptedException {
        await(agent.nodeName() + " converged", () -> agent.view().equals(desired.view(agent.nodeName())));
        assertEquals(0, agent.digestMismatches());
    }

    @Test
    void aFreshAgentGetsAFullStateThenOnlyDeltas() throws Exception {
        replica = StreamHarness.start(16);
        publish(Clusters.cluster(3, 2));
        RecordingEvents events = new RecordingEvents();
        SimulatedAgent agent = replica.agent("n1", AgentBehaviour.HEALTHY, events);
        agent.connect();
        awaitConverged(agent);
        publish(Clusters.cluster(3, 3));
        awaitConverged(agent);
        publish(Clusters.cluster(3, 1));
        awaitConverged(agent);
        assertEquals(1, events.fullStates.get());
        assertEquals(3, events.deltas.get());
        // The in-sync event is reported when the server handles the ACK, which may come after the agent
        // has already applied the state the test awaited.
        await("in-sync after the full state", () -> events.inSyncFull.get() == 1);
    }

    @Test
    void aReconnectingAgentResumesFromItsVersionWithoutAFullState() throws Exception {
        replica = StreamHarness.start(16);
        publish(Clusters.cluster(3, 2));
        RecordingEvents events = new RecordingEvents();
        SimulatedAgent agent = replica.agent("n2", AgentBehaviour.HEALTHY, events);
        agent.connect();
        awaitConverged(agent);
        agent.disconnect();
        publish(Clusters.cluster(3, 4));
        publish(Clusters.cluster(4, 5));
        agent.connect();
        awaitConverged(agent);
        assertEquals(1, events.fullStates.get(), "only the first sync was a full state");
        await("resumed in-sync", () -> events.inSyncResumed.get() == 1);
        // Reconnecting when nothing changed sends nothing but the in-sync notice.
        int before = events.deltas.get();
        agent.disconnect();
        agent.connect();
        await("second resume", () -> events.inSyncResumed.get() == 2);
        assertEquals(before, events.deltas.get());
    }

    @Test
    void anAgentOlderThanTheHistoryGetsAFullState() throws Exception {
        replica = StreamHarness.start(2);
        publish(Clusters.cluster(3, 2));
        RecordingEvents events = new RecordingEvents();
        SimulatedAgent agent = replica.agent("n3", AgentBehaviour.HEALTHY, events);
        agent.connect();
        awaitConverged(agent);
        agent.disconnect();
        for (int ports = 3; ports < 8; ports++) {
            publish(Clusters.cluster(3, ports));
        }
        agent.connect();
        awaitConverged(agent);
        assertEquals(2, events.fullStates.get());
        assertEquals(0, events.inSyncResumed.get());
    }

    @Test
    void aNackIsRecordedInStatusAndNotResentUntilSomethingNewerExists() throws Exception {
        replica = StreamHarness.start(16);
        publish(Clusters.cluster(2, 2));
        RecordingEvents events = new RecordingEvents();
        // The agent's "policy map" holds at most 4 ingress entries (+1 egress).
        AgentBehaviour smallMap = new AgentBehaviour(false, d -> d.getEndpointsList().stream()
                .anyMatch(e -> e.getAddsCount() > 5) ? Optional.of("policy map full: 6 > 5 entries") : Optional.empty());
        SimulatedAgent agent = replica.agent("n1", smallMap, events);
        agent.connect();
        awaitConverged(agent);
        long held = agent.version();
        publish(Clusters.cluster(2, 9));
        await("nack", () -> events.nacks.get() == 1);
        await("nack recorded", () -> !replica.loop.status().join().agents().getFirst().lastNack().isEmpty());
        var status = replica.loop.status().get().agents().getFirst();
        assertTrue(status.lastNack().contains("policy map full"), status.lastNack());
        assertEquals(held, status.ackedVersion());
        // A change elsewhere (node n2 only) does not resend the rejected state to n1.
        publish(Clusters.cluster(2, 9, Map.of("n2", 1)));
        Thread.sleep(300);
        assertEquals(1, events.nacks.get());
        assertEquals(held, agent.version());
        // A newer state for n1 is delivered on top of what the agent kept.
        publish(Clusters.cluster(2, 3, Map.of("n2", 1)));
        awaitConverged(agent);
        assertEquals(1, events.nacks.get());
    }

    @Test
    void agentsWhoseNodeDidNotChangeReceiveNothing() throws Exception {
        replica = StreamHarness.start(16);
        publish(Clusters.cluster(3, 2));
        RecordingEvents e1 = new RecordingEvents();
        RecordingEvents e2 = new RecordingEvents();
        SimulatedAgent a1 = replica.agent("n1", AgentBehaviour.HEALTHY, e1);
        SimulatedAgent a2 = replica.agent("n2", AgentBehaviour.HEALTHY, e2);
        a1.connect();
        a2.connect();
        awaitConverged(a1);
        awaitConverged(a2);
        long bytesBefore = e2.bytes.get();
        publish(Clusters.cluster(3, 2, Map.of("n1", 6)));
        awaitConverged(a1);
        Thread.sleep(200);
        assertEquals(bytesBefore, e2.bytes.get());
        assertEquals(1, e2.deltas.get());
    }
}
