package dev.bulwark.identity.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.Test;

class LeaderExitWatchTest {

    private static List<RaftPeerId> ids(String... names) {
        return java.util.Arrays.stream(names).map(RaftPeerId::valueOf).toList();
    }

    @Test
    void survivorsStandInIdOrderSkippingTheGoneLeader() {
        List<RaftPeerId> voters = ids("n3", "n1", "n2");
        RaftPeerId leader = RaftPeerId.valueOf("n1");
        assertEquals(0, LeaderExitWatch.rank(voters, leader, RaftPeerId.valueOf("n2")));
        assertEquals(1, LeaderExitWatch.rank(voters, leader, RaftPeerId.valueOf("n3")));
    }

    @Test
    void everySurvivorComputesADistinctRank() {
        List<RaftPeerId> voters = ids("e", "a", "d", "b", "c");
        RaftPeerId leader = RaftPeerId.valueOf("c");
        List<Integer> ranks = voters.stream().filter(p -> !p.equals(leader))
                .map(p -> LeaderExitWatch.rank(voters, leader, p)).sorted().toList();
        assertEquals(List.of(0, 1, 2, 3), ranks);
        assertEquals(3, LeaderExitWatch.rank(voters, leader, RaftPeerId.valueOf("e")));
    }
}
