package dev.bulwark.identity.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.identity.IdentityRecord;
import dev.bulwark.identity.IdentityTable;
import dev.bulwark.identity.client.IdentityClient;
import dev.bulwark.model.LabelSet;
import dev.bulwark.proto.identity.v1.AllocateResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real Ratis replicas on loopback: 20 concurrent clients allocate overlapping label sets while
 * the leader is stopped mid-stream and later restarted from its data directory; every acknowledged
 * allocation must then be present and identical on every replica, and no id may name two label sets.
 */
class IdentityClusterIT {

    private static final int CLIENTS = 20;
    private static final int SETS = 300;

    @TempDir
    Path dir;

    private static LabelSet set(int i) {
        return LabelSet.parse(List.of("k8s:app=app-" + i, "k8s:io.kubernetes.pod.namespace=ns-" + (i % 7)));
    }

    @Test
    void acknowledgedAllocationsSurviveLeaderLossAndRestart() throws Exception {
        // A low snapshot threshold makes the restarted replica recover through a snapshot plus log.
        try (LoopbackCluster cluster = new LoopbackCluster(3, dir, 1, c -> c.withRaft(
                IdentityAllocatorConfig.RaftSettings.DEFAULT.withSnapshotsAndTicks(200, Duration.ofMillis(200))))) {
            cluster.awaitLeader(Duration.ofSeconds(15));
            Map<LabelSet, Integer> acknowledged = new ConcurrentHashMap<>();
            List<String> conflicts = new ArrayList<>();
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            java.util.Set<String> errors = ConcurrentHashMap.newKeySet();
            CountDownLatch halfway = new CountDownLatch(CLIENTS);
            List<Thread> threads = new ArrayList<>();
            try (IdentityClient client = IdentityClient.connect(cluster.addresses())) {
                for (int c = 0; c < CLIENTS; c++) {
                    int seed = c;
                    threads.add(Thread.ofVirtual().start(() -> {
                        SplittableRandom random = new SplittableRandom(seed);
                        for (int round = 0; round < 40; round++) {
                            if (round == 20) {
                                halfway.countDown();
                            }
                            List<LabelSet> batch = new ArrayList<>();
                            for (int k = 0; k < 5; k++) {
                                batch.add(set(random.nextInt(SETS)));
                            }
                            try {
                                AllocateResponse r = client.allocate("node-" + seed, batch);
                                for (int k = 0; k < batch.size(); k++) {
                                    Integer prev = acknowledged.putIfAbsent(batch.get(k), r.getAllocations(k).getId());
                                    if (prev != null && prev != r.getAllocations(k).getId()) {
                                        synchronized (conflicts) {
                                            conflicts.add(batch.get(k) + ": " + prev + " vs " + r.getAllocations(k).getId());
                                        }
                                    }
                                }
                                ok.incrementAndGet();
                            } catch (RuntimeException e) {
                                failed.incrementAndGet();
                                errors.add(String.valueOf(e.getMessage()));
                            }
                        }
                    }));
                }
                halfway.await();
                int leader = cluster.awaitLeader(Duration.ofSeconds(5));
                cluster.stop(leader);
                for (Thread t : threads) {
                    t.join();
                }
                assertTrue(conflicts.isEmpty(), "one label set, two ids: " + conflicts);
                assertTrue(ok.get() > 0, "no allocation was acknowledged");

                cluster.restart(leader);
                cluster.awaitLeader(Duration.ofSeconds(15));
                long revision = client.allocate("node-final", List.of(set(0))).getRevision();
                cluster.awaitConverged(revision, Duration.ofSeconds(30));
            }
            for (IdentityAllocatorServer s : cluster.servers) {
                IdentityTable table = s.table();
                for (Map.Entry<LabelSet, Integer> e : acknowledged.entrySet()) {
                    Optional<IdentityRecord> r = table.byLabels(e.getKey());
                    assertTrue(r.isPresent(), s.id() + " lost " + e.getKey());
                    assertEquals(e.getValue(), r.get().id(), s.id() + " disagrees on " + e.getKey());
                }
                Map<Integer, LabelSet> seen = new HashMap<>();
                for (IdentityRecord r : table.all()) {
                    assertFalse(seen.containsKey(r.id()), "id " + r.id() + " twice");
                    seen.put(r.id(), r.labels());
                    assertNotEquals(0, r.id());
                }
            }
            System.out.printf("IT: %d acknowledged calls, %d failed during failover, %d distinct sets%n",
                    ok.get(), failed.get(), acknowledged.size());
            System.out.println("IT errors: " + errors);
        }
    }

    @Test
    void replicaAddedByMembershipChangeCatchesUpAndCanBeRemoved() throws Exception {
        try (LoopbackCluster cluster = new LoopbackCluster(3, dir.resolve("members"), 2, c -> c)) {
            cluster.awaitLeader(Duration.ofSeconds(15));
            List<Peer> members = cluster.configs.getFirst().peers();
            Peer added = new Peer("n4", "127.0.0.1", IdentityAllocatorConfig.freePortPair());
            List<Peer> all = new ArrayList<>(members);
            all.add(added);
            IdentityAllocatorConfig base = cluster.configs.getFirst();
            IdentityAllocatorConfig joining = new IdentityAllocatorConfig("n4", all, dir.resolve("members/n4"), base.policy(),
                    base.filter(), base.raft(), 0, true);
            try (IdentityClient client = IdentityClient.connect(cluster.addresses());
                 IdentityAllocatorServer n4 = IdentityAllocatorServer.start(joining)) {
                int id = client.allocate("n1", List.of(set(1))).getAllocations(0).getId();
                assertEquals(all, Membership.add(2, members, added));
                long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (n4.table().byLabels(set(1)).isEmpty() && System.nanoTime() < end) {
                    Thread.sleep(50);
                }
                assertEquals(id, n4.table().byLabels(set(1)).orElseThrow().id(), "the new replica caught up");
                try (IdentityClient viaNew = IdentityClient.connect(List.of(added.grpcAddress()))) {
                    assertEquals(id, viaNew.lookup(set(1)).orElseThrow().getId(), "and serves linearizable reads");
                }
                assertEquals(members, Membership.remove(2, all, "n4"));
                assertEquals(id, client.allocate("n2", List.of(set(1))).getAllocations(0).getId(), "the group still works");
            }
        }
    }
}
