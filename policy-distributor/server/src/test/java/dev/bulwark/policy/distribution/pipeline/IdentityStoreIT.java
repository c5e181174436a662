package dev.bulwark.policy.distribution.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.identity.server.IdentityAllocatorConfig;
import dev.bulwark.identity.server.IdentityAllocatorServer;
import dev.bulwark.model.LabelSet;
import dev.bulwark.policy.identity.PodIdentityLabels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The distributor's identity client against the real 3-replica identity store, across a leader restart. */
class IdentityStoreIT {

    @TempDir
    Path data;

    private final List<IdentityAllocatorServer> replicas = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (IdentityAllocatorServer r : replicas) {
            r.close();
        }
    }

    @Test
    void allocationsFollowTheLeaderAndSurviveItsRestart() throws Exception {
        List<IdentityAllocatorConfig> configs = IdentityAllocatorConfig.loopbackCluster(3, data, 1);
        for (IdentityAllocatorConfig c : configs) {
            replicas.add(IdentityAllocatorServer.start(c));
        }
        IdentityAllocatorServer leader = awaitLeader();
        // Start from a follower: the client must follow the leader hint.
        List<String> targets = new ArrayList<>();
        replicas.stream().filter(r -> r != leader).forEach(r -> targets.add(r.grpcAddress()));
        targets.add(leader.grpcAddress());
        LabelSet web = PodIdentityLabels.of("shop", Map.of(), Map.of("app", "web"));
        LabelSet db = PodIdentityLabels.of("shop", Map.of(), Map.of("app", "db"));
        try (GrpcIdentitySource source = new GrpcIdentitySource(targets, Duration.ofSeconds(5))) {
            Map<LabelSet, Integer> first = retry(source, List.of(web, db)); // a new leader may not be ready yet
            assertTrue(first.get(web) >= 256 && !first.get(web).equals(first.get(db)), first.toString());

            int index = replicas.indexOf(leader);
            leader.close();
            replicas.remove(index);
            IdentityAllocatorServer newLeader = awaitLeader();
            assertTrue(newLeader != leader);
            Map<LabelSet, Integer> again = retry(source, List.of(web, db));
            assertEquals(first, again, "the same label sets keep their identities across a leader change");

            IdentityAllocatorServer restarted = IdentityAllocatorServer.start(configs.get(index));
            replicas.add(restarted);
            assertEquals(first, retry(source, List.of(web, db)));

            // The owner's lease and references, as the pipeline renews and releases them.
            IdentitySource.Lease lease = source.keepAlive("n1");
            assertEquals(2, lease.references());
            assertTrue(lease.ttl().toMillis() > 0, lease.toString());
            source.release("n1", List.of(first.get(web)));
            assertEquals(1, source.keepAlive("n1").references(), "web released, db still referenced");
            source.release("n1", List.of(first.get(web))); // idempotent
            assertEquals(first.get(web), retry(source, List.of(web)).get(web), "within the grace period the number stays");
            assertEquals(2, source.keepAlive("n1").references());
            assertEquals(Map.of("n1", Set.of(first.get(web), first.get(db))), source.referencesOf(Set.of("n1", "n2")));
        }
    }

    private static Map<LabelSet, Integer> retry(GrpcIdentitySource source, List<LabelSet> sets) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return source.identities("n1", sets);
            } catch (IdentitySource.IdentityUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private IdentityAllocatorServer awaitLeader() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (IdentityAllocatorServer r : replicas) {
                if (r.isLeader()) {
                    return r;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no identity leader elected");
    }
}
