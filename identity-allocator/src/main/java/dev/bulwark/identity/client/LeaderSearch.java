package dev.bulwark.identity.client;

import java.time.Duration;

/**
 * When {@link IdentityClient} pauses while it looks for a leader (an attempt failed and named no leader:
 * the replica was down, or an election is running). It tries every replica once, back to back, and pauses
 * only after a whole round found none; the pause doubles from {@code initial} up to {@code max}.
 *
 * <p>Why rounds: after a leader dies the survivors say "no leader" until one of them wins the election
 * (0.3-1 s with our election timeouts), so pausing after every single answer made the client sleep
 * 50+100+200+400 ms through an election and find the new leader up to 0.8 s after it was ready. With a
 * small cap the client asks again at most {@code max} after the leader is ready. Not thread-safe: one per call.
 */
final class LeaderSearch {

    private final int replicas;
    private final long maxMillis;
    private long nextPauseMillis;
    private int failedInRound;

    LeaderSearch(int replicas, Duration initial, Duration max) {
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas: at least 1, was " + replicas);
        }
        this.replicas = replicas;
        this.nextPauseMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
    }

    /** An attempt failed without naming a leader: the pause before the next attempt (zero mid-round). */
    Duration failedWithoutLeader() {
        if (++failedInRound < replicas) {
            return Duration.ZERO;
        }
        failedInRound = 0;
        long pause = nextPauseMillis;
        nextPauseMillis = Math.min(Math.max(1, nextPauseMillis * 2), maxMillis);
        return Duration.ofMillis(pause);
    }
}
