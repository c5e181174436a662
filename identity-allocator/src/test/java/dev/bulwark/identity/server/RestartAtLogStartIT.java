package dev.bulwark.identity.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.identity.client.IdentityClient;
import dev.bulwark.model.LabelSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica that restarts needing exactly the leader's first remaining log entry catches up (by a
 * snapshot). In Ratis 3.2.2 the leader's log appender to it died instead: the entry before that one was
 * purged and was not the leader's snapshot index, so building the append failed ("Previous TermIndex not
 * found"), and the replica never caught up (docs/identity.md). Purging only up to the lowest commit index
 * of all peers does not rule this out: a leader that stops with every entry committed leaves the next
 * leader a closed log segment ending exactly at its commit index, and once the lowest commit index is
 * that one, the purge removes that segment and the log then starts at exactly the index it needs.
 *
 * <p>Five replicas, so that a second stopped replica (the laggard) can hold every purge back until the
 * stopped leader's commit index is at least the purge gap (20 here) above the last purge.
 */
class RestartAtLogStartIT {

    @TempDir
    Path dir;

    @Test
    void aReplicaWhoseNextEntryIsTheLeadersFirstRemainingOneCatchesUp() throws Exception {
        // Snapshots (and the purge gap) every 20 entries; ticks rare so that the log holds still when asked.
        try (LoopbackCluster cluster = new LoopbackCluster(5, dir, 11, c -> c.withRaft(
                IdentityAllocatorConfig.RaftSettings.DEFAULT.withSnapshotsAndTicks(20, Duration.ofMillis(2500))))) {
            int leader = cluster.awaitLeader(Duration.ofSeconds(30));
            long revision;
            int stoppedLeader;
            long stoppedAt;
            try (IdentityClient client = IdentityClient.connect(cluster.addresses())) {
                client.allocate("node", List.of(set(0)));
                int laggard = (leader + 1) % 5;
                cluster.stop(laggard);
                for (int i = 1; i <= 40; i++) {
                    client.allocate("node", List.of(set(i)));
                }
                // Stop the leader once every replica knows its last entry is committed.
                stoppedLeader = cluster.awaitLeader(Duration.ofSeconds(30));
                String id = cluster.configs.get(stoppedLeader).id();
                awaitStatus(cluster, "every replica knows " + id + "'s last entry is committed", all -> {
                    RaftStatus l = all.get(stoppedLeader);
                    return l != null && l.role().equals("LEADER") && l.commitIndex() == l.logNext() - 1
                            && all.stream().allMatch(s -> s == null || s.commits().getOrDefault(id, -1L) == l.commitIndex());
                });
                stoppedAt = cluster.servers[stoppedLeader].raftStatus().orElseThrow().commitIndex();
                cluster.stop(stoppedLeader);
                // The laggard returns and catches up, so the lowest commit index becomes the stopped leader's;
                // the next snapshot then purges the log up to it.
                cluster.restart(laggard);
                int i = 41;
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!logStartsAt(cluster, stoppedAt + 1) && System.nanoTime() < deadline) {
                    client.allocate("node", List.of(set(i++)));
                }
                assertTrue(logStartsAt(cluster, stoppedAt + 1), () -> "precondition: the leader's log starts at "
                        + (stoppedAt + 1) + ", the entry after " + id + "'s last\n" + cluster.raftStatus());
                revision = client.allocate("node", List.of(set(i))).getRevision();
            }
            cluster.restart(stoppedLeader);
            cluster.awaitConverged(revision, Duration.ofSeconds(60));
            RaftStatus restarted = cluster.servers[stoppedLeader].raftStatus().orElseThrow();
            assertTrue(restarted.loads().installs() >= 1, () -> "caught up by a snapshot: " + restarted);
            IdentityClient.Options options = new IdentityClient.Options(Duration.ofSeconds(5), Duration.ofSeconds(20),
                    Duration.ofMillis(50), Duration.ofMillis(250));
            try (IdentityClient onRestarted = IdentityClient.connect(
                    List.of(cluster.configs.get(stoppedLeader).self().grpcAddress()), options)) {
                int current = cluster.awaitLeader(Duration.ofSeconds(30));
                assertEquals(cluster.servers[current].table().byLabels(set(20)).orElseThrow().id(),
                        onRestarted.lookup(set(20)).orElseThrow().getId(), "linearizable read on the restarted replica");
            }
        }
    }

    private static boolean logStartsAt(LoopbackCluster cluster, long index) throws InterruptedException {
        int leader = cluster.awaitLeader(Duration.ofSeconds(30));
        return cluster.servers[leader].raftStatus().map(s -> s.logStart() == index).orElse(false);
    }

    private static void awaitStatus(LoopbackCluster cluster, String what, Predicate<List<RaftStatus>> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<RaftStatus> all = java.util.Arrays.stream(cluster.servers)
                    .map(s -> s == null ? null : s.raftStatus().orElse(null)).toList();
            if (done.test(all)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not within 30 s: " + what + "\n" + cluster.raftStatus());
    }

    private static LabelSet set(int i) {
        return LabelSet.parse(List.of("k8s:app=start-" + i, "k8s:io.kubernetes.pod.namespace=start"));
    }
}
