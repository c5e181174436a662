package dev.bulwark.mesh.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    final ManualClock clock = new ManualClock(Instant.parse("2026-12-05T12:00:00Z"));

    @Test
    void burstThenTheSustainedRate() {
        RateLimiter limiter = new RateLimiter(10, 2, clock);
        assertEquals(Duration.ZERO, limiter.acquire("n"));
        assertEquals(Duration.ZERO, limiter.acquire("n"));
        assertEquals(Duration.ofMillis(100), limiter.acquire("n"));
        clock.advance(Duration.ofMillis(100));
        assertEquals(Duration.ZERO, limiter.acquire("n"));
        assertEquals(Duration.ZERO, limiter.acquire("other"), "buckets are per caller");
    }

    @Test
    void aCallerThatReadTheClockEarlierDoesNotDrainTheBucket() {
        // Concurrent callers can reach the bucket out of clock order; an older instant must not count as
        // negative elapsed time (at a high rate that emptied the bucket for good).
        RateLimiter limiter = new RateLimiter(1e9, 3, clock);
        assertEquals(Duration.ZERO, limiter.acquire("n"));
        clock.set(Instant.parse("2026-12-05T11:59:59Z"));
        assertEquals(Duration.ZERO, limiter.acquire("n"));
        assertEquals(Duration.ZERO, limiter.acquire("n"));
        assertTrue(limiter.acquire("n").compareTo(Duration.ZERO) > 0, "the burst of 3 is used up");
    }
}
