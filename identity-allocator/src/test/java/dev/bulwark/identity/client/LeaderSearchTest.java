package dev.bulwark.identity.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaderSearchTest {

    @Test
    void pausesOnlyAfterEveryReplicaWasTriedAndDoublesUpToTheCap() {
        LeaderSearch search = new LeaderSearch(3, Duration.ofMillis(50), Duration.ofMillis(250));
        List<Long> pauses = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            pauses.add(search.failedWithoutLeader().toMillis());
        }
        assertEquals(List.of(0L, 0L, 50L, 0L, 0L, 100L, 0L, 0L, 200L, 0L, 0L, 250L, 0L, 0L, 250L), pauses);
    }

    @Test
    void aSingleReplicaPausesAfterEachFailure() {
        LeaderSearch search = new LeaderSearch(1, Duration.ofMillis(50), Duration.ofSeconds(1));
        assertEquals(Duration.ofMillis(50), search.failedWithoutLeader());
        assertEquals(Duration.ofMillis(100), search.failedWithoutLeader());
    }

    @Test
    void aZeroInitialPauseStillGrows() {
        LeaderSearch search = new LeaderSearch(1, Duration.ZERO, Duration.ofMillis(10));
        assertEquals(Duration.ZERO, search.failedWithoutLeader());
        assertEquals(Duration.ofMillis(1), search.failedWithoutLeader());
        assertEquals(Duration.ofMillis(2), search.failedWithoutLeader());
    }

    @Test
    void rejectsNoReplicas() {
        assertThrows(IllegalArgumentException.class, () -> new LeaderSearch(0, Duration.ZERO, Duration.ZERO));
    }
}
