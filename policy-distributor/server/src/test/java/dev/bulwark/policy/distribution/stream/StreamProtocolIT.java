package dev.bulwark.policy.distribution.stream;

import static dev.bulwark.policy.distribution.stream.StreamHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.policy.distribution.agentsim.AgentBehaviour;
import dev.bulwark.policy.distribution.agentsim.SimulatedAgent;
import dev.bulwark.policy.distribution.state.ClusterChange;
import dev.bulwark.policy.distribution.state.ClusterState;
import dev.bulwark.proto.policy.v1.AgentMessage;
import dev.bulwark.proto.policy.v1.DistributorMessage;
import dev.bulwark.proto.policy.v1.PolicyDelta;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Coalescing, stalled agents, authentication and cross-replica resume, over real gRPC on loopback. */
class StreamProtocolIT {

    private final List<StreamHarness> replicas = new ArrayList<>();

    @AfterEach
    void stop() {
        replicas.forEach(StreamHarness::close);
    }

    private StreamHarness start(StreamHarness replica) {
        replicas.add(replica);
        return replica;
    }

    @Test
    void changesMadeWhileADeltaIsUnacknowledgedAreCoalescedIntoOne() throws Exception {
        StreamHarness r = start(StreamHarness.start(64));
        ClusterState s = Clusters.cluster(2, 1);
        r.loop.publish(ClusterChange.between(ClusterState.EMPTY, s)).get();
        ManualAgent agent = new ManualAgent(r.channel);
        agent.subscribe("n1", 0);
        DistributorMessage first = agent.next();
        assertTrue(first.getDelta().getFullState());
        ClusterState prev = s;
        for (int ports = 2; ports <= 6; ports++) {
            ClusterState next = Clusters.cluster(2, ports);
            r.loop.publish(ClusterChange.between(prev, next)).get();
            prev = next;
        }
        assertNull(agent.received.poll(300, TimeUnit.MILLISECONDS), "nothing while a delta is unacknowledged");
        agent.ack(first);
        PolicyDelta coalesced = agent.next().getDelta();
        assertEquals(first.getDelta().getVersion(), coalesced.getBaseVersion());
        assertEquals(r.loop.snapshot().get().nodeVersion("n1"), coalesced.getVersion(), "latest wins");
        agent.ack(DistributorMessage.newBuilder().setDelta(coalesced).build());
        assertTrue(agent.next().hasInSync());
    }

    @Test
    void anAgentInSyncIsReportedAtItsVersionWhileOnlyOtherNodesChange() throws Exception {
        // Revisions that change only another node do not pump this agent's session, so the revision whose content
        // it holds trails the current one; the status must still report it at its node's current version (it was
        // reported one version behind for good, and ConvergenceRunIT failed on it).
        StreamHarness r = start(StreamHarness.start(64));
        ClusterState s = Clusters.cluster(2, 1);
        r.loop.publish(ClusterChange.between(ClusterState.EMPTY, s)).get();
        ManualAgent agent = new ManualAgent(r.channel);
        agent.subscribe("n1", 0);
        DistributorMessage first = agent.next();
        agent.ack(first);
        assertTrue(agent.next().hasInSync());
        ClusterState onlyN2 = Clusters.cluster(2, 1, java.util.Map.of("n2", 3));
        assertTrue(r.loop.publish(ClusterChange.between(s, onlyN2)).get().isPresent(), "a new revision");
        assertNull(agent.received.poll(300, TimeUnit.MILLISECONDS), "nothing for n1");
        AgentStatus n1 = r.loop.status().get().agents().stream().filter(a -> a.nodeName().equals("n1")).findFirst().orElseThrow();
        assertEquals(first.getDelta().getVersion(), n1.ackedVersion());
        assertEquals(n1.ackedVersion(), n1.currentVersion(), "in sync: " + n1);
        assertEquals(0, n1.lagRevisions());
    }

    @Test
    void aStalledAgentDelaysNoOneElse() throws Exception {
        StreamHarness r = start(new StreamHarness(new StreamConfig(64, Duration.ofMillis(800), "r1"),
                AgentAuthenticator.trustingSubscribedNodeName(), DeliveryListener.NONE));
        ClusterState desired = Clusters.cluster(20, 2);
        r.loop.publish(ClusterChange.between(ClusterState.EMPTY, desired)).get();
        RecordingEvents stalledEvents = new RecordingEvents();
        SimulatedAgent stalled = r.agent("n1", AgentBehaviour.STALLED, stalledEvents);
        stalled.connect();
        List<SimulatedAgent> healthy = new ArrayList<>();
        for (int i = 2; i <= 20; i++) {
            SimulatedAgent a = r.agent("n" + i, AgentBehaviour.HEALTHY, new RecordingEvents());
            a.connect();
            healthy.add(a);
        }
        for (int round = 3; round < 8; round++) {
            ClusterState next = Clusters.cluster(20, round);
            r.loop.publish(ClusterChange.between(desired, next)).get();
            desired = next;
            ClusterState want = desired;
            for (SimulatedAgent a : healthy) {
                await(a.nodeName() + " round " + round, () -> a.view().equals(want.view(a.nodeName())));
            }
        }
        assertEquals(0, stalled.version());
        // Past the ack timeout the stalled agent is disconnected, so it can resume elsewhere.
        await("stalled agent disconnected", () -> stalledEvents.disconnected);
        assertEquals(Status.Code.UNAVAILABLE, Status.fromThrowable(stalledEvents.disconnect.get()).getCode());
    }

    @Test
    void credentialsForAnotherNodeAreRefused() throws Exception {
        Metadata.Key<String> nodeHeader = Metadata.Key.of("x-test-node", Metadata.ASCII_STRING_MARSHALLER);
        AgentAuthenticator byHeader = (transport, headers) -> {
            String node = headers.get(nodeHeader);
            return node == null ? new AgentAuthenticator.Refused("no credentials")
                    : new AgentAuthenticator.NodeAgent(node);
        };
        StreamHarness r = start(new StreamHarness(StreamConfig.defaults("r1"), byHeader, DeliveryListener.NONE));
        Metadata headers = new Metadata();
        headers.put(nodeHeader, "n1");
        var channel = io.grpc.ClientInterceptors.intercept(r.channel,
                io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers));
        ManualAgent impostor = new ManualAgent(channel);
        impostor.subscribe("n2", 0);
        await("refused", () -> impostor.error != null);
        StatusRuntimeException e = (StatusRuntimeException) impostor.error;
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("n1"), e.getStatus().getDescription());
        ManualAgent anonymous = new ManualAgent(r.channel);
        anonymous.subscribe("n1", 0);
        await("refused anonymous", () -> anonymous.error != null);
        assertEquals(Status.Code.UNAUTHENTICATED, Status.fromThrowable(anonymous.error).getCode());
        ManualAgent honest = new ManualAgent(channel);
        honest.subscribe("n1", 0);
        assertTrue(honest.next().getDelta().getFullState(), "a fresh agent starts from a full state");
    }

    @Test
    void malformedFirstMessagesAreRejectedNamingTheField() throws Exception {
        StreamHarness r = start(StreamHarness.start(8));
        ManualAgent ackFirst = new ManualAgent(r.channel);
        ackFirst.send(AgentMessage.newBuilder().setAck(dev.bulwark.proto.policy.v1.Ack.newBuilder().setNonce("x")).build());
        await("rejected", () -> ackFirst.error != null);
        assertEquals(Status.Code.INVALID_ARGUMENT, Status.fromThrowable(ackFirst.error).getCode());
        ManualAgent badName = new ManualAgent(r.channel);
        badName.subscribe("Not_A_Node", 0);
        await("rejected name", () -> badName.error != null);
        assertTrue(Status.fromThrowable(badName.error).getDescription().contains("subscribe.node_name"));
    }

    @Test
    void anAgentMovingToAnotherReplicaResumesByDigestWithoutAFullState() throws Exception {
        StreamHarness a = start(StreamHarness.start(16));
        StreamHarness b = start(StreamHarness.start(16));
        ClusterState s1 = Clusters.cluster(4, 2);
        ClusterState s2 = Clusters.cluster(4, 3);
        a.loop.publish(ClusterChange.between(ClusterState.EMPTY, s1)).get();
        a.loop.publish(ClusterChange.between(s1, s2)).get();
        // Replica b saw the same objects in one batch: its revision numbers differ from a's.
        b.loop.publish(ClusterChange.between(ClusterState.EMPTY, s2)).get();
        RecordingEvents events = new RecordingEvents();
        SimulatedAgent agent = new SimulatedAgent("n3", "agent-1", a.channel, AgentBehaviour.HEALTHY, events);
        agent.connect();
        await("synced on a", () -> agent.view().equals(s2.view("n3")));
        agent.disconnect();
        ClusterState s3 = Clusters.cluster(4, 5);
        b.loop.publish(ClusterChange.between(s2, s3)).get();
        long versionOnA = agent.version();
        agent.connectTo(b.channel);
        await("converged on b", () -> agent.view().equals(s3.view("n3")));
        assertEquals(1, events.fullStates.get(), "no second full state");
        assertTrue(agent.version() > versionOnA, "versions keep increasing across replicas");
    }

    /**
     * A restarted replica knows neither the agent's digest nor any state: it must not send its empty
     * history (that wiped agents' maps for 23 s in a chaos run), and the full state it sends once its
     * first state is published carries a version above the one the agent holds.
     */
    @Test
    void aReplicaHoldingUntilItsFirstStateSendsNothingBeforeItAndThenAVersionAboveTheAgents() throws Exception {
        StreamHarness r = start(StreamHarness.start(16));
        r.loop.holdUntilServing();
        ManualAgent agent = new ManualAgent(r.channel);
        agent.subscribe("n1", 12);
        Thread.sleep(300);
        assertNull(agent.received.peek(), "nothing is sent before the first state");
        ClusterState s = Clusters.cluster(3, 2);
        r.loop.publish(ClusterChange.between(ClusterState.EMPTY, s)).get();
        Thread.sleep(300);
        assertNull(agent.received.peek(), "a publish alone does not end the hold");
        r.loop.serve();
        DistributorMessage full = agent.next();
        assertTrue(full.getDelta().getFullState());
        assertTrue(full.getDelta().getVersion() > 12, "version " + full.getDelta().getVersion() + " after 12");
        agent.ack(full);
        assertTrue(agent.next().hasInSync());
    }

    @Test
    void atMostTheConfiguredNumberOfFullStatesAreOutAtOnce() throws Exception {
        StreamHarness r = start(new StreamHarness(new StreamConfig(16, Duration.ofSeconds(60), "r1", 2),
                AgentAuthenticator.trustingSubscribedNodeName(), DeliveryListener.NONE));
        r.loop.publish(ClusterChange.between(ClusterState.EMPTY, Clusters.cluster(6, 2))).get();
        List<ManualAgent> agents = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            ManualAgent a = new ManualAgent(r.channel);
            a.subscribe("n" + i, 0);
            agents.add(a);
        }
        await("two full states out", () -> agents.stream().filter(a -> !a.received.isEmpty()).count() == 2);
        Thread.sleep(200);
        assertEquals(2, agents.stream().filter(a -> !a.received.isEmpty()).count(), "the others wait");
        // Each ACK frees a slot for the next waiting agent, until all are served.
        int served = 0;
        while (served < 6) {
            ManualAgent holder = agents.stream().filter(a -> a.received.peek() != null
                    && a.received.peek().hasDelta()).findFirst().orElseThrow();
            DistributorMessage full = holder.next();
            assertTrue(full.getDelta().getFullState());
            holder.ack(full);
            assertTrue(holder.next().hasInSync());
            served++;
            int done = served;
            if (served < 6) {
                await("next full state", () -> agents.stream().filter(a -> a.received.peek() != null
                        && a.received.peek().hasDelta()).count() == Math.min(2, 6 - done));
            }
        }
    }
}
