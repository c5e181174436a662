package dev.bulwark.chaos.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.chaos.history.Op;
import dev.bulwark.chaos.history.OpType;
import dev.bulwark.proto.identity.v1.AllocateRequest;
import dev.bulwark.proto.identity.v1.AllocateResponse;
import dev.bulwark.proto.identity.v1.Allocation;
import dev.bulwark.proto.identity.v1.IdentityServiceGrpc;
import dev.bulwark.proto.identity.v1.LookupRequest;
import dev.bulwark.proto.identity.v1.LookupResponse;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The harness client against fake replicas on loopback gRPC (the store is not the subject here): it
 * follows leader hints, and an operation is fail only when every attempt definitely failed.
 */
class StoreClientIT {

    private final Map<String, Server> servers = new LinkedHashMap<>();

    /** A fake replica: the leader allocates id 300; a follower refuses with a hint; "slow" never answers. */
    private static final class FakeReplica extends IdentityServiceGrpc.IdentityServiceImplBase {
        private final String role;
        private final String leaderAddress;
        final AtomicInteger calls = new AtomicInteger();

        FakeReplica(String role, String leaderAddress) {
            this.role = role;
            this.leaderAddress = leaderAddress;
        }

        @Override
        public void allocate(AllocateRequest request, StreamObserver<AllocateResponse> out) {
            calls.incrementAndGet();
            switch (role) {
                case "leader" -> {
                    out.onNext(AllocateResponse.newBuilder().setRevision(9).addAllocations(
                            Allocation.newBuilder().setId(300).setCreated(true)).build());
                    out.onCompleted();
                }
                case "follower" -> out.onError(Status.UNAVAILABLE
                        .withDescription("not the leader; leader=" + leaderAddress).asRuntimeException());
                case "invalid" -> out.onError(Status.INVALID_ARGUMENT
                        .withDescription("label_sets[0]: bad").asRuntimeException());
                default -> { } // never answers: the client's deadline decides
            }
        }

        @Override
        public void lookup(LookupRequest request, StreamObserver<LookupResponse> out) {
            calls.incrementAndGet();
            out.onNext(LookupResponse.newBuilder().setFound(false).setRevision(9).build());
            out.onCompleted();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private String start(String node, FakeReplica replica, int port) throws Exception {
        servers.put(node, NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .addService(replica).build().start());
        return "127.0.0.1:" + port;
    }

    @AfterEach
    void stop() {
        servers.values().forEach(Server::shutdownNow);
    }

    @Test
    void followsLeaderHintsAndRemembersTheLeader() throws Exception {
        int leaderPort = freePort();
        FakeReplica follower = new FakeReplica("follower", "127.0.0.1:" + leaderPort);
        FakeReplica leader = new FakeReplica("leader", null);
        Map<String, String> addresses = new LinkedHashMap<>();
        addresses.put("n1", start("n1", follower, freePort()));
        addresses.put("n2", start("n2", leader, leaderPort));
        try (StoreClient client = new StoreClient(addresses, Duration.ofSeconds(2))) {
            Completion c = client.open(0).invoke(Op.ALLOCATE, 7);
            assertEquals(OpType.OK, c.type(), c.error());
            assertEquals(300L, c.value().id());
            assertEquals(9L, c.value().revision());
            assertEquals("k8s:app=chaos-7;k8s:io.kubernetes.pod.namespace=chaos;", c.value().key());
            assertEquals(1, follower.calls.get());
            client.open(0).invoke(Op.ALLOCATE, 8);
            assertEquals(1, follower.calls.get(), "the second write goes straight to the known leader");
            Completion read = client.open(0).invoke(Op.READ, 7);
            assertEquals(OpType.OK, read.type());
            assertNull(read.value().id(), "not found");
        }
    }

    @Test
    void definiteRejectionIsFailAndTimeoutIsInfo() throws Exception {
        Map<String, String> invalid = Map.of("n1", start("n1", new FakeReplica("invalid", null), freePort()));
        try (StoreClient client = new StoreClient(invalid, Duration.ofMillis(500))) {
            Completion c = client.open(0).invoke(Op.ALLOCATE, 1);
            assertEquals(OpType.FAIL, c.type());
            assertTrue(c.error().startsWith("n1: INVALID_ARGUMENT"), c.error());
        }
        Map<String, String> slow = Map.of("n2", start("n2", new FakeReplica("slow", null), freePort()));
        try (StoreClient client = new StoreClient(slow, Duration.ofMillis(300))) {
            Completion c = client.open(0).invoke(Op.ALLOCATE, 1);
            assertEquals(OpType.INFO, c.type(), "a timed-out write may have happened");
        }
    }

    @Test
    void refusedConnectionsEverywhereAreFail() throws Exception {
        Map<String, String> nobody = Map.of("n1", "127.0.0.1:" + freePort(), "n2", "127.0.0.1:" + freePort());
        try (StoreClient client = new StoreClient(nobody, Duration.ofMillis(400))) {
            Completion c = client.open(0).invoke(Op.ALLOCATE, 1);
            assertEquals(OpType.FAIL, c.type(), "never reached a replica: " + c.error());
        }
    }
}
