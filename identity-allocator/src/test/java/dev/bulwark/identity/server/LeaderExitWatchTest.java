package dev.bulwark.identity.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.identity.server.SurvivorStandings.Standing;
import java.util.Map;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.protocol.TermIndex;
import org.junit.jupiter.api.Test;

class LeaderExitWatchTest {

    private static RaftPeerId id(String name) {
        return RaftPeerId.valueOf(name);
    }

    private static Standing warm(long term, long index) {
        return new Standing(TermIndex.valueOf(term, index), true, false);
    }

    private static Standing cold(long term, long index) {
        return new Standing(TermIndex.valueOf(term, index), false, false);
    }

    @Test
    void theSurvivorWithTheLongerLogStands() {
        // The case seen in chaos runs: the first to notice was one entry behind and was refused.
        assertEquals(id("n2"), LeaderExitWatch.chooseCandidate(Map.of(id("n1"), warm(1, 381), id("n2"), cold(1, 382))));
    }

    @Test
    void aLaterTermBeatsAHigherIndex() {
        assertEquals(id("n3"), LeaderExitWatch.chooseCandidate(Map.of(id("n1"), warm(4, 900), id("n3"), warm(5, 10))));
    }

    @Test
    void withEqualLogsAWarmReplicaStandsRatherThanOneJustRestarted() {
        assertEquals(id("n2"), LeaderExitWatch.chooseCandidate(Map.of(id("n1"), cold(7, 60), id("n2"), warm(7, 60))));
    }

    @Test
    void otherwiseTheSmallestIdWhoeverAsks() {
        Map<RaftPeerId, Standing> standings = Map.of(id("n3"), warm(2, 50), id("n2"), warm(2, 50), id("n4"), warm(2, 49));
        assertEquals(id("n2"), LeaderExitWatch.chooseCandidate(standings));
    }
}
