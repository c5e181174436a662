package dev.bulwark.identity.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.bulwark.identity.client.IdentityClient;
import dev.bulwark.model.LabelSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the leader's process is gone, a follower stands for election at once ({@link LeaderExitWatch})
 * rather than after its election timeout; with the watch off only the timer elects. Timeouts are long
 * here (2-3 s) so that an election started by the watch and one started by the timer are told apart by
 * the replicas' own count of early elections, not by a clock.
 */
class LeaderExitIT {

    @TempDir
    Path dir;

    @Test
    void aFollowerStandsAtOnceWhenTheLeaderExits() throws Exception {
        try (LoopbackCluster cluster = cluster(true)) {
            int leader = cluster.awaitLeader(Duration.ofSeconds(30));
            int id = allocate(cluster, "before");
            cluster.stop(leader);
            int next = cluster.awaitLeader(Duration.ofSeconds(30));
            assertNotEquals(leader, next);
            assertEquals(1, cluster.servers[next].earlyElections(), "the new leader stood because the old one exited");
            assertEquals(0, cluster.servers[3 - leader - next].earlyElections(),
                    "the other survivor waited its turn and was asked for its vote first");
            try (IdentityClient client = IdentityClient.connect(cluster.addresses())) {
                assertEquals(id, client.lookup(set("before")).orElseThrow().getId(), "acknowledged identity kept");
            }
            allocate(cluster, "after");
        }
    }

    @Test
    void withTheWatchOffOnlyTheTimerElects() throws Exception {
        try (LoopbackCluster cluster = cluster(false)) {
            int leader = cluster.awaitLeader(Duration.ofSeconds(30));
            allocate(cluster, "before");
            cluster.stop(leader);
            int next = cluster.awaitLeader(Duration.ofSeconds(30));
            assertNotEquals(leader, next);
            for (IdentityAllocatorServer s : cluster.servers) {
                if (s != null) {
                    assertEquals(0, s.earlyElections());
                }
            }
        }
    }

    private LoopbackCluster cluster(boolean watch) throws Exception {
        return new LoopbackCluster(3, dir, 1, c -> c.withRaft(c.raft()
                .withElectionTimeout(Duration.ofSeconds(2), Duration.ofSeconds(3)).withStandOnLeaderExit(watch)));
    }

    private static int allocate(LoopbackCluster cluster, String app) {
        try (IdentityClient client = IdentityClient.connect(cluster.addresses())) {
            return client.allocate("node", List.of(set(app))).getAllocations(0).getId();
        }
    }

    private static LabelSet set(String app) {
        return LabelSet.parse(List.of("k8s:app=" + app, "k8s:io.kubernetes.pod.namespace=exit"));
    }
}
