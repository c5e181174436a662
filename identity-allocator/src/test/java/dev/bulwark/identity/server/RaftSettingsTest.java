package dev.bulwark.identity.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RaftSettingsTest {

    private static IdentityAllocatorConfig.RaftSettings withTick(Duration tick) {
        return new IdentityAllocatorConfig.RaftSettings(Duration.ofMillis(300), Duration.ofMillis(600), 10_000, tick,
                4_096, 2, 100_000);
    }

    @Test
    void ticksMustStayWellInsideTheLeaseStallGap() {
        assertEquals(Duration.ofMillis(2_500), withTick(Duration.ofMillis(2_500)).tickInterval());
        // Ticks 3 s apart would look like 5 s commit stalls once one is late, renewing every lease for ever.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> withTick(Duration.ofSeconds(3)));
        assertEquals("raft.tickInterval: must be at most half the lease stall gap (2500ms), was PT3S", e.getMessage());
    }
}
