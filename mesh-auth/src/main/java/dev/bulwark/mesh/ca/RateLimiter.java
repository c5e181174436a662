package dev.bulwark.mesh.ca;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per caller on the injected clock: {@code ratePerSecond} sustained, {@code burst} at
 * once. A thundering herd after a partition (spire #4490) is spread instead of overwhelming the CA.
 * Thread-safe: each caller's bucket is updated atomically with {@code compute}.
 */
public final class RateLimiter {

    private record Bucket(double tokens, Instant at) {
    }

    private final double ratePerSecond;
    private final double burst;
    private final InstantSource clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(double ratePerSecond, int burst, InstantSource clock) {
        if (!(ratePerSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("rate limit: ratePerSecond must be > 0 and burst >= 1, got "
                    + ratePerSecond + "/" + burst);
        }
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.clock = clock;
    }

    /** Takes one token for {@code caller}: {@link Duration#ZERO} if granted, else how long until one is. */
    public Duration acquire(String caller) {
        Instant now = clock.instant();
        Duration[] wait = {Duration.ZERO};
        buckets.compute(caller, (k, b) -> {
            // Concurrent callers read the clock before they get the bucket, so "now" can be older than the
            // bucket's time: that refills nothing (rather than draining it) and never moves the bucket back.
            Instant at = b == null || now.isAfter(b.at()) ? now : b.at();
            double tokens = b == null ? burst
                    : Math.min(burst, b.tokens() + Duration.between(b.at(), at).toNanos() / 1e9 * ratePerSecond);
            if (tokens >= 1) {
                return new Bucket(tokens - 1, at);
            }
            wait[0] = Duration.ofNanos((long) Math.ceil((1 - tokens) / ratePerSecond * 1e9));
            return new Bucket(tokens, at);
        });
        return wait[0];
    }
}
