package dev.bulwark.policy.distribution.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.policy.distribution.agentsim.AgentBehaviour;
import dev.bulwark.policy.distribution.agentsim.AgentEvents;
import dev.bulwark.policy.distribution.agentsim.SimulatedAgent;
import dev.bulwark.policy.distribution.state.ClusterChange;
import dev.bulwark.policy.distribution.state.ClusterState;
import dev.bulwark.policy.distribution.state.EndpointState;
import dev.bulwark.policy.distribution.state.IpcacheMapping;
import dev.bulwark.policy.distribution.stream.AgentAuthenticator;
import dev.bulwark.policy.distribution.stream.DeliveryListener;
import dev.bulwark.policy.distribution.stream.DistributionLoop;
import dev.bulwark.policy.distribution.stream.PolicyStreamService;
import dev.bulwark.policy.distribution.stream.StreamConfig;
import dev.bulwark.proto.policy.v1.PolicyDistributionGrpc;
import dev.bulwark.proto.policy.v1.StatusRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two replicas clustered with Hazelcast on loopback; an agent resumes on the survivor without a full state. */
class ReplicaFailoverIT {

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    private record Replica(DistributionLoop loop, Server server, ReplicaCluster cluster, ManagedChannel channel) {
        void stop() {
            cluster.close();
            loop.close();
            server.shutdownNow();
            channel.shutdownNow();
        }
    }

    @AfterEach
    void stop() {
        for (AutoCloseable c : cleanup.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                // best effort: the replica may already be stopped
            }
        }
    }

    private Replica start(String id, int hzPort, List<String> members) throws Exception {
        DistributionLoop loop = new DistributionLoop(StreamConfig.defaults(id), InstantSource.system(), DeliveryListener.NONE);
        ReplicaCluster[] holder = new ReplicaCluster[1];
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new PolicyStreamService(loop, AgentAuthenticator.trustingSubscribedNodeName(),
                        () -> holder[0] == null ? List.of() : holder[0].replicas())).build().start();
        holder[0] = ReplicaCluster.join(new ClusterConfig(id, "127.0.0.1:" + server.getPort(), "127.0.0.1", hzPort,
                members, Duration.ofMillis(500)), loop);
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        Replica r = new Replica(loop, server, holder[0], channel);
        cleanup.add(r::stop);
        return r;
    }

    private static ClusterState state(int ports) {
        MapState.Builder ms = MapState.builder().put(PolicyKey.l3(0, Direction.EGRESS), PolicyEntry.ALLOW);
        for (int p = 0; p < ports; p++) {
            ms.put(PolicyKey.l4(300, Direction.INGRESS, 6, 8000 + p), PolicyEntry.allow("cnp/a/b[0]"));
        }
        return new ClusterState(Map.of("10.0.0.1/32", new IpcacheMapping(300, "n1"), "10.0.0.2/32", new IpcacheMapping(301, "n2")),
                Map.of("n1", Map.of("a/web", EndpointState.of("a/web", 300, List.of("10.0.0.1"), ms.build()))));
    }

    @Test
    void anAgentOfADeadReplicaResumesOnTheOtherWithoutAFullState() throws Exception {
        int p1 = freePort();
        int p2 = freePort();
        List<String> members = List.of("127.0.0.1:" + p1, "127.0.0.1:" + p2);
        Replica a = start("a", p1, members);
        Replica b = start("b", p2, members);
        await("both replicas known", () -> b.cluster().replicas().size() == 2 && a.cluster().replicas().size() == 2);
        // Both replicas compute from the same objects; a saw more intermediate states (higher revisions).
        ClusterState s1 = state(1);
        ClusterState s2 = state(2);
        a.loop().publish(ClusterChange.between(ClusterState.EMPTY, s1)).get();
        a.loop().publish(ClusterChange.between(s1, s2)).get();
        b.loop().publish(ClusterChange.between(ClusterState.EMPTY, s2)).get();

        AtomicInteger fullStates = new AtomicInteger();
        AgentEvents events = new AgentEvents() {
            @Override
            public void applied(SimulatedAgent agent, long version, boolean fullState, int bytes) {
                if (fullState) {
                    fullStates.incrementAndGet();
                }
            }
        };
        SimulatedAgent agent = new SimulatedAgent("n1", "agent-1", a.channel(), AgentBehaviour.HEALTHY, events);
        agent.connect();
        await("synced on a", () -> agent.view().equals(s2.view("n1")));
        var status = PolicyDistributionGrpc.newBlockingStub(a.channel()).status(StatusRequest.newBuilder().setIncludeAgents(true).build());
        assertEquals(2, status.getReplicasCount());
        assertEquals("n1", status.getAgents(0).getNodeName());

        a.stop();
        cleanup.removeFirst();
        ClusterState s3 = state(3);
        b.loop().publish(ClusterChange.between(s2, s3)).get();
        long versionOnA = agent.version();
        agent.connectTo(b.channel());
        await("converged on b", () -> agent.view().equals(s3.view("n1")));
        assertEquals(1, fullStates.get(), "resumed by digest, no second full state");
        assertTrue(agent.version() > versionOnA, "versions keep increasing across replicas");
        await("a leaves b's view", () -> b.cluster().replicas().size() == 1);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
