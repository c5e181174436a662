package dev.bulwark.identity.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.protocol.TermIndex;
import org.junit.jupiter.api.Test;

class LeaderExitWatchTest {

    private static RaftPeerId id(String name) {
        return RaftPeerId.valueOf(name);
    }

    @Test
    void theSurvivorWithTheLongerLogStands() {
        // The case seen in chaos runs: the first to notice was one entry behind and was refused.
        assertEquals(id("n2"), LeaderExitWatch.chooseCandidate(Map.of(
                id("n1"), TermIndex.valueOf(1, 381), id("n2"), TermIndex.valueOf(1, 382))));
    }

    @Test
    void aLaterTermBeatsAHigherIndex() {
        assertEquals(id("n3"), LeaderExitWatch.chooseCandidate(Map.of(
                id("n1"), TermIndex.valueOf(4, 900), id("n3"), TermIndex.valueOf(5, 10))));
    }

    @Test
    void equalLogsGoToTheSmallestIdWhoeverAsks() {
        Map<RaftPeerId, TermIndex> logs = Map.of(id("n3"), TermIndex.valueOf(2, 50), id("n2"), TermIndex.valueOf(2, 50),
                id("n4"), TermIndex.valueOf(2, 49));
        assertEquals(id("n2"), LeaderExitWatch.chooseCandidate(logs));
    }
}
