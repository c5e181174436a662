package dev.bulwark.agent.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.agent.datapath.DatapathConfig;
import dev.bulwark.agent.datapath.ModelDatapath;
import dev.bulwark.agent.sync.PolicyStreamClient;
import dev.bulwark.agent.sync.StateApplier;
import dev.bulwark.model.Cidr;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.model.policy.Protocols;
import dev.bulwark.proto.policy.v1.AgentMessage;
import dev.bulwark.proto.policy.v1.DistributorMessage;
import dev.bulwark.proto.policy.v1.EndpointDelta;
import dev.bulwark.proto.policy.v1.IpcacheEntry;
import dev.bulwark.proto.policy.v1.MapEntry;
import dev.bulwark.proto.policy.v1.MapKey;
import dev.bulwark.proto.policy.v1.MapValue;
import dev.bulwark.proto.policy.v1.PolicyDelta;
import dev.bulwark.proto.policy.v1.PolicyDistributionGrpc;
import dev.bulwark.proto.policy.v1.Verdict;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stream client against an in-test distributor on loopback gRPC: full state, ACK, NACK of an invalid
 * delta with no partial apply, incremental delta, and resume from the held version after the stream dies.
 * Runs on the model datapath (no privileges needed).
 */
@org.junit.jupiter.api.Timeout(value = 180, unit = java.util.concurrent.TimeUnit.SECONDS) // never hang CI
class PolicyStreamClientIT {

    /** A distributor that records what the agent says and lets the test speak. */
    static final class FakeDistributor extends PolicyDistributionGrpc.PolicyDistributionImplBase {
        final BlockingQueue<AgentMessage> received = new LinkedBlockingQueue<>();
        final BlockingQueue<StreamObserver<DistributorMessage>> sessions = new LinkedBlockingQueue<>();

        @Override
        public StreamObserver<AgentMessage> stream(StreamObserver<DistributorMessage> out) {
            sessions.add(out);
            return new StreamObserver<>() {
                @Override
                public void onNext(AgentMessage m) {
                    received.add(m);
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                }
            };
        }
    }

    private final FakeDistributor distributor = new FakeDistributor();
    private Server server;
    private ManagedChannel channel;
    private ScheduledExecutorService loop;
    private PolicyStreamClient client;
    private ModelNodeDatapath datapath;

    @BeforeEach
    void setUp() throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(distributor).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        loop = Executors.newSingleThreadScheduledExecutor();
        datapath = new ModelNodeDatapath(new ModelDatapath(DatapathConfig.DEFAULT, InstantSource.system(), e -> { }));
        loop.submit(() -> datapath.attach("x/a")).get();
        client = new PolicyStreamClient(channel, "node-1", "test", new StateApplier(datapath), loop,
                Duration.ofMillis(50), Duration.ofMillis(200), s -> { });
    }

    @AfterEach
    void tearDown() {
        client.close();
        channel.shutdownNow();
        server.shutdownNow();
        loop.shutdownNow();
    }

    private AgentMessage next() throws InterruptedException {
        AgentMessage m = distributor.received.poll(10, TimeUnit.SECONDS);
        assertNotNull(m, "the agent said nothing");
        return m;
    }

    private static MapEntry entry(int identity, int port, Verdict v) {
        return MapEntry.newBuilder().setKey(MapKey.newBuilder().setRemoteIdentity(identity)
                .setDirection(dev.bulwark.proto.policy.v1.Direction.DIRECTION_INGRESS).setProtocol(6).setPort(port)
                .setPortPrefixLen(16)).setValue(MapValue.newBuilder().setVerdict(v)).build();
    }

    private static DistributorMessage delta(PolicyDelta.Builder d) {
        return DistributorMessage.newBuilder().setDelta(d).build();
    }

    private MapState held(String endpoint) throws Exception {
        return loop.submit(() -> datapath.policyMap(endpoint).orElseThrow().read()).get();
    }

    /**
     * Once a full state's digest matched, a delta whose result differs from the distributor's stated digest
     * (it was computed from a base this agent does not hold) is rejected with DATA_LOSS and nothing changes,
     * so the distributor sends a full state instead of the difference staying. A full state whose digest
     * differs is applied (nothing better exists) and turns the check off.
     */
    @Test
    void aDeltaLeadingElsewhereThanTheDistributorsDigestIsRejected() throws Exception {
        client.start();
        next();
        StreamObserver<DistributorMessage> s = distributor.sessions.take();
        PolicyDelta.Builder full = PolicyDelta.newBuilder().setFullState(true)
                .addIpcacheUpserts(IpcacheEntry.newBuilder().setPrefix("10.0.0.1/32").setIdentity(100))
                .addEndpoints(EndpointDelta.newBuilder().setName("x/a").setIdentity(7).setReplace(true)
                        .addAdds(entry(100, 80, Verdict.VERDICT_ALLOW)));
        s.onNext(delta(full.clone().setVersion(1).setNonce("f1")));
        assertEquals(1, next().getAck().getVersion());
        long digest = client.state().digest();
        s.onNext(delta(full.clone().setVersion(2).setNonce("f2").setStateDigest(digest)));
        assertEquals(2, next().getAck().getVersion(), "digests agree");

        s.onNext(delta(PolicyDelta.newBuilder().setVersion(3).setBaseVersion(2).setNonce("d3").setStateDigest(digest + 1)
                .addIpcacheUpserts(IpcacheEntry.newBuilder().setPrefix("10.0.0.2/32").setIdentity(101))));
        AgentMessage nack = next();
        assertTrue(nack.hasNack(), nack.toString());
        assertEquals(15, nack.getNack().getError().getCode());
        assertTrue(nack.getNack().getError().getMessage().contains("state digest after applying version 3"),
                nack.getNack().getError().getMessage());
        assertEquals(2, client.state().version());
        assertEquals(1, loop.submit(() -> datapath.ipcache().read().size()).get(), "nothing of it was applied");

        s.onNext(delta(PolicyDelta.newBuilder().setVersion(4).setBaseVersion(2).setNonce("d4").setStateDigest(digest)));
        assertEquals(4, next().getAck().getVersion(), "a delta whose result matches is applied");

        s.onNext(delta(full.clone().setVersion(5).setNonce("f5").setStateDigest(digest + 7)));
        assertEquals(5, next().getAck().getVersion(), "a full state is applied even when digests differ");
        s.onNext(delta(PolicyDelta.newBuilder().setVersion(6).setBaseVersion(5).setNonce("d6").setStateDigest(digest + 9)));
        assertEquals(6, next().getAck().getVersion(), "after that, digests are not used to judge deltas");
        assertTrue(client.status().lastError().contains("no longer checked"), client.status().lastError());
    }

    /** A failure that is not the datapath's own (a bug) is answered with a NACK, not left for the ACK timeout. */
    @Test
    void anUnexpectedFailureWhileApplyingIsNacked() throws Exception {
        client.close();
        java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean(true);
        dev.bulwark.agent.sync.NodeDatapath failing = new dev.bulwark.agent.sync.NodeDatapath() {
            @Override
            public dev.bulwark.agent.datapath.IpcacheMap ipcache() {
                if (broken.get()) {
                    throw new IllegalStateException("ipcache handle closed");
                }
                return datapath.ipcache();
            }

            @Override
            public java.util.Optional<dev.bulwark.agent.datapath.PolicyMap> policyMap(String name) {
                return datapath.policyMap(name);
            }

            @Override
            public void setEndpointIdentity(String name, int identity) {
                datapath.setEndpointIdentity(name, identity);
            }

            @Override
            public dev.bulwark.agent.datapath.AuthMap auth() {
                return datapath.auth();
            }

            @Override
            public boolean enforcing() {
                return false;
            }
        };
        client = new PolicyStreamClient(channel, "node-1", "test", new StateApplier(failing), loop,
                Duration.ofMillis(50), Duration.ofMillis(200), st -> { });
        client.start();
        next();
        StreamObserver<DistributorMessage> s = distributor.sessions.take();
        s.onNext(delta(PolicyDelta.newBuilder().setVersion(1).setFullState(true).setNonce("f1")
                .addIpcacheUpserts(IpcacheEntry.newBuilder().setPrefix("10.0.0.1/32").setIdentity(100))));
        AgentMessage nack = next();
        assertTrue(nack.hasNack(), nack.toString());
        assertEquals(13, nack.getNack().getError().getCode());
        assertTrue(nack.getNack().getError().getMessage().contains("ipcache handle closed"), nack.getNack().getError().getMessage());
        assertEquals(0, client.state().version());
        broken.set(false);
        s.onNext(delta(PolicyDelta.newBuilder().setVersion(2).setFullState(true).setNonce("f2")
                .addIpcacheUpserts(IpcacheEntry.newBuilder().setPrefix("10.0.0.1/32").setIdentity(100))));
        assertEquals(2, next().getAck().getVersion(), "the full state sent after the NACK is applied");
    }

    @Test
    void acksAppliesNacksWithoutPartialApplyAndResumesAfterReconnect() throws Exception {
        client.start();
        AgentMessage sub = next();
        assertEquals("node-1", sub.getSubscribe().getNodeName());
        assertEquals(0, sub.getSubscribe().getKnownVersion());
        StreamObserver<DistributorMessage> s1 = distributor.sessions.take();

        s1.onNext(delta(PolicyDelta.newBuilder().setVersion(1).setFullState(true).setNonce("n1")
                .addIpcacheUpserts(IpcacheEntry.newBuilder().setPrefix("10.0.0.1/32").setIdentity(100))
                .addEndpoints(EndpointDelta.newBuilder().setName("x/a").setIdentity(7).setReplace(true)
                        .addAdds(entry(100, 80, Verdict.VERDICT_ALLOW)))));
        AgentMessage ack1 = next();
        assertEquals("n1", ack1.getAck().getNonce());
        assertEquals(1, ack1.getAck().getVersion());
        MapState v1 = MapState.builder().put(PolicyKey.l4(100, Direction.INGRESS, Protocols.TCP, 80), PolicyEntry.ALLOW).build();
        assertEquals(v1, held("x/a"));
        assertEquals(Map.of(Cidr.parse("10.0.0.1/32"), 100), loop.submit(() -> datapath.ipcache().read()).get());

        s1.onNext(delta(PolicyDelta.newBuilder().setVersion(2).setBaseVersion(1).setNonce("n2")
                .addIpcacheUpserts(IpcacheEntry.newBuilder().setPrefix("10.0.0.2/32").setIdentity(101))
                .addEndpoints(EndpointDelta.newBuilder().setName("x/a").setIdentity(7)
                        .addAdds(entry(100, 81, Verdict.VERDICT_ALLOW)).addAdds(entry(100, 70_000, Verdict.VERDICT_ALLOW)))));
        AgentMessage nack = next();
        assertTrue(nack.hasNack(), "invalid delta is NACKed: " + nack);
        assertEquals(3, nack.getNack().getError().getCode());
        assertTrue(nack.getNack().getError().getMessage().contains("endpoints[0].adds[1].key"), nack.getNack().getError().getMessage());
        assertEquals(v1, held("x/a"), "nothing of the NACKed delta was applied");
        assertEquals(1, loop.submit(() -> datapath.ipcache().read().size()).get());

        s1.onNext(delta(PolicyDelta.newBuilder().setVersion(3).setBaseVersion(1).setNonce("n3")
                .addEndpoints(EndpointDelta.newBuilder().setName("x/a").setIdentity(7).addAdds(entry(100, 81, Verdict.VERDICT_DENY)))));
        assertEquals(3, next().getAck().getVersion());
        assertEquals(PolicyEntry.DENY, held("x/a").entries().get(PolicyKey.l4(100, Direction.INGRESS, Protocols.TCP, 81)));

        s1.onError(Status.UNAVAILABLE.withDescription("replica shutting down").asRuntimeException());
        AgentMessage resub = next();
        assertEquals(3, resub.getSubscribe().getKnownVersion(), "resumes from the held version");
        assertEquals(client.state().digest(), resub.getSubscribe().getKnownStateDigest(), "and its digest");
        assertTrue(resub.getSubscribe().getKnownStateDigest() != 0);
        StreamObserver<DistributorMessage> s2 = distributor.sessions.poll(10, TimeUnit.SECONDS);
        assertNotNull(s2);
        s2.onNext(delta(PolicyDelta.newBuilder().setVersion(4).setBaseVersion(3).setNonce("n4")
                .addRemovedEndpoints("x/a")));
        assertEquals(4, next().getAck().getVersion());
        assertEquals(MapState.EMPTY, held("x/a"), "a removed endpoint denies everything");
        PolicyStreamClient.Status st = client.status();
        assertEquals(3, st.acks());
        assertEquals(1, st.nacks());
        assertEquals(1, st.reconnects());
    }
}
