package dev.bulwark.agent.datapath.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Wall-clock expiries on the program's CLOCK_BOOTTIME and back. */
class BpfAuthMapTest {

    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
    private static final long BOOT = 5_000_000_000_000L;

    @Test
    void anExpiryIsTheTimeLeftAddedToBootTime() {
        assertEquals(BOOT + Duration.ofMinutes(30).toNanos(), BpfAuthMap.toBootNanos(NOW, BOOT, NOW.plus(Duration.ofMinutes(30))));
        assertEquals(NOW.plus(Duration.ofMinutes(30)), BpfAuthMap.toInstant(NOW, BOOT, BOOT + Duration.ofMinutes(30).toNanos()));
    }

    @Test
    void aPastExpiryIsNeverLiveAndAFarOneDoesNotOverflow() {
        assertEquals(0, BpfAuthMap.toBootNanos(NOW, BOOT, NOW));
        assertEquals(0, BpfAuthMap.toBootNanos(NOW, BOOT, NOW.minusSeconds(1)));
        assertEquals(BOOT + Duration.ofDays(36_500).toNanos(), BpfAuthMap.toBootNanos(NOW, BOOT, Instant.MAX));
    }
}
