package dev.bulwark.policy.distribution.stream;

import java.time.Duration;

/**
 * A retry delay that starts at {@code first} and doubles up to {@code max}.
 *
 * @param first the first delay (positive)
 * @param max   the cap (at least {@code first})
 */
public record Backoff(Duration first, Duration max) {

    public Backoff {
        if (first == null || first.isNegative() || first.isZero()) {
            throw new IllegalArgumentException("first: must be positive, got " + first);
        }
        if (max == null || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("max: must be at least first (" + first + "), got " + max);
        }
    }

    /** The delay after {@code current}: doubled, at most {@link #max}. */
    public Duration after(Duration current) {
        Duration doubled = current.multipliedBy(2);
        return doubled.compareTo(max) > 0 ? max : doubled;
    }
}
