package dev.bulwark.identity.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.identity.client.IdentityClient;
import dev.bulwark.model.LabelSet;
import dev.bulwark.proto.identity.v1.AllocateRequest;
import dev.bulwark.proto.identity.v1.AllocateResponse;
import dev.bulwark.proto.identity.v1.ChangeType;
import dev.bulwark.proto.identity.v1.IdentityChange;
import dev.bulwark.proto.identity.v1.IdentityServiceGrpc;
import dev.bulwark.proto.identity.v1.Label;
import dev.bulwark.proto.identity.v1.ListResponse;
import dev.bulwark.proto.identity.v1.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IdentityService contract against three real replicas: errors, redirection, reads on followers, watch, metrics. */
class IdentityServiceIT {

    @TempDir
    static Path dir;
    static LoopbackCluster cluster;
    static IdentityClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster = new LoopbackCluster(3, dir, 7, c -> c.withMetricsPort(-1));
        cluster.awaitLeader(Duration.ofSeconds(15));
        client = IdentityClient.connect(cluster.addresses());
    }

    @AfterAll
    static void stop() throws IOException {
        client.close();
        cluster.close();
    }

    private static LabelSet set(String... labels) {
        return LabelSet.parse(List.of(labels));
    }

    private static ManagedChannel channel(int replica) {
        String[] a = cluster.addresses().get(replica).split(":");
        return NettyChannelBuilder.forAddress(a[0], Integer.parseInt(a[1])).usePlaintext().build();
    }

    @Test
    void followerRefusesWritesNamingTheLeaderAndServesLinearizableReads() throws Exception {
        client.allocate("n1", List.of(set("app=settle")));
        // The first leader may have been replaced while the cluster settled; ask now.
        int leader = cluster.awaitLeader(Duration.ofSeconds(5));
        int follower = (leader + 1) % 3;
        ManagedChannel ch = channel(follower);
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> IdentityServiceGrpc.newBlockingStub(ch)
                    .allocate(AllocateRequest.newBuilder().setOwner("n1").addLabelSets(
                            dev.bulwark.proto.identity.v1.LabelSet.newBuilder().addLabels(
                                    Label.newBuilder().setSource("k8s").setKey("app").setValue("f"))).build()));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().contains("leader=" + cluster.addresses().get(leader)), e.getStatus().getDescription());
        } finally {
            ch.shutdownNow();
        }
        try (IdentityClient viaFollower = IdentityClient.connect(List.of(cluster.addresses().get(follower)))) {
            AllocateResponse r = viaFollower.allocate("n1", List.of(set("app=redirected")));
            assertEquals(7 << 16, r.getAllocations(0).getId() & ~0xFFFF, "cluster 7's range");
            assertEquals(cluster.addresses().get(leader), viaFollower.currentTarget(), "followed the leader hint");
        }
        ManagedChannel read = channel(follower);
        try {
            var lookup = IdentityServiceGrpc.newBlockingStub(read).lookup(dev.bulwark.proto.identity.v1.LookupRequest.newBuilder()
                    .setLabels(dev.bulwark.proto.identity.v1.LabelSet.newBuilder().addLabels(
                            Label.newBuilder().setSource("k8s").setKey("app").setValue("redirected"))).build());
            assertTrue(lookup.getFound(), "a follower sees an acknowledged write (read index)");
        } finally {
            read.shutdownNow();
        }
    }

    @Test
    void badInputIsInvalidArgumentNamingTheFieldAndStoresNothing() throws Exception {
        long before = client.list(0, 0).getRevision();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> client.allocate("n1",
                List.of(set("app=ok-but-rejected"), set("k8s:pod-template-hash=abc"))));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith("label_sets[1]: no security-relevant labels"), e.getStatus().getDescription());
        assertEquals(before, client.list(0, 0).getRevision(), "nothing stored");
        assertTrue(client.lookup(set("app=ok-but-rejected")).isEmpty());

        int leader = cluster.awaitLeader(Duration.ofSeconds(5));
        StatusRuntimeException raw = assertThrows(StatusRuntimeException.class, () -> {
            ManagedChannel ch = channel(leader);
            try {
                IdentityServiceGrpc.newBlockingStub(ch).allocate(AllocateRequest.newBuilder().setOwner("n1")
                        .addLabelSets(dev.bulwark.proto.identity.v1.LabelSet.newBuilder()
                                .addLabels(Label.newBuilder().setSource("k8s").setKey("app").setValue("fine"))
                                .addLabels(Label.newBuilder().setSource("k8s").setKey("tier").setValue("ok"))
                                .addLabels(Label.newBuilder().setSource("k8s").setKey("bad key").setValue("v"))).build());
            } finally {
                ch.shutdownNow();
            }
        });
        assertTrue(raw.getStatus().getDescription().startsWith("label_sets[0].labels[2].key: "), raw.getStatus().getDescription());

        StatusRuntimeException foreign = assertThrows(StatusRuntimeException.class, () -> client.lookup(3 << 16));
        assertEquals(Status.Code.INVALID_ARGUMENT, foreign.getStatus().getCode());
        assertTrue(foreign.getStatus().getDescription().contains("belongs to cluster 3"));
        assertTrue(client.lookup((7 << 16) + 60_000).isEmpty(), "NOT_FOUND maps to empty");
    }

    @Test
    void watchReplaysThenFollowsAndListPages() throws Exception {
        long from = client.allocate("n2", List.of(set("app=w0"))).getRevision();
        // Changes, whether they came one per message or several in one (a burst).
        LinkedBlockingQueue<IdentityChange> got = new LinkedBlockingQueue<>();
        AutoCloseable watch = client.watch(from - 1, new StreamObserver<>() {
            @Override
            public void onNext(WatchResponse value) {
                if (value.hasChanges()) {
                    got.addAll(value.getChanges().getChangesList());
                } else {
                    got.add(value.getChange());
                }
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        try {
            IdentityChange first = got.poll(10, TimeUnit.SECONDS);
            assertEquals(from, first.getRevision(), "replay starts right after from_revision");
            AllocateResponse live = client.allocate("n2", List.of(set("app=w1"), set("app=w2")));
            for (int i = 1; i <= 2; i++) {
                IdentityChange next = got.poll(10, TimeUnit.SECONDS);
                assertEquals(from + i, next.getRevision());
                assertEquals(ChangeType.CHANGE_TYPE_ALLOCATED, next.getType());
                assertEquals(live.getAllocations(i - 1).getId(), next.getIdentity().getId());
            }
        } finally {
            watch.close();
        }
        for (int i = 0; i < 5; i++) {
            client.allocate("n3", List.of(set("app=page" + i)));
        }
        ListResponse page = client.list(0, 2);
        assertEquals(2, page.getIdentitiesCount());
        assertTrue(page.getMore());
        assertTrue(page.getIdentities(0).getId() < page.getIdentities(1).getId());
        assertEquals(client.listAll().size(), cluster.servers[cluster.awaitLeader(Duration.ofSeconds(5))].table().size());
    }

    @Test
    void keepAliveReportsReferencesAndReleaseIsIdempotent() {
        AllocateResponse r = client.allocate("keeper", List.of(set("app=k1"), set("app=k2")));
        assertEquals(2, client.keepAlive("keeper").getReferences());
        client.release("keeper", List.of(r.getAllocations(0).getId()));
        client.release("keeper", List.of(r.getAllocations(0).getId()));
        assertEquals(1, client.keepAlive("keeper").getReferences());
        assertTrue(client.lookup(r.getAllocations(0).getId()).orElseThrow().getOwnersList().isEmpty(), "in its grace period");
        assertFalse(client.lookup(2).orElseThrow().getLabels().getLabelsList().isEmpty(), "reserved world is found");
    }

    @Test
    void concurrentReadsAndWritesAllComplete() throws Exception {
        // Regression: read barriers completed on Ratis's state machine thread used to submit the next
        // barrier from it and deadlock under concurrent lookups.
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> threads = new java.util.ArrayList<>();
        for (int t = 0; t < 32; t++) {
            int n = t;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 30; i++) {
                    if (n % 4 == 0) {
                        client.allocate("c" + n, List.of(set("app=conc-" + n + "-" + i)));
                    } else {
                        client.lookup(set("app=conc-0-0"));
                    }
                    done.incrementAndGet();
                }
            }));
        }
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(60));
        }
        assertEquals(32 * 30, done.get(), "every call completed");
    }

    @Test
    void metricsEndpointServesPrometheusText() throws Exception {
        client.allocate("m", List.of(set("app=metric")));
        IdentityAllocatorServer s = cluster.servers[cluster.awaitLeader(Duration.ofSeconds(5))];
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + s.metricsPort().orElseThrow() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode());
        for (String name : List.of("bulwark_identity_identities", "bulwark_identity_allocations_total",
                "bulwark_identity_apply_seconds", "bulwark_identity_leader_changes_total")) {
            assertTrue(res.body().contains(name), name + " missing");
        }
    }
}
