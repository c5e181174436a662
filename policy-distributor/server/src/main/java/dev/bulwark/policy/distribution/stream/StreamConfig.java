package dev.bulwark.policy.distribution.stream;

import java.time.Duration;

/**
 * Settings of the distribution loop.
 *
 * @param historyRevisions how many revisions agents can resume from (each retains what it changed)
 * @param ackTimeout       an agent holding an unacknowledged delta this long is disconnected; it resumes
 *                         cheaply on reconnect (distribution.md goal 6: 60 s)
 * @param replicaId        this replica's name in status and logs
 * @param maxConcurrentFullStates full states unacknowledged at once; more agents needing one wait their
 *                         turn (a reconnect storm of fresh agents cannot exhaust memory or starve
 *                         resuming agents; distribution.md goal 5: 64)
 * @param nackRetry        how long after a NACK the agent gets a full state when no newer version came first
 *                         (1 s, doubling to 30 s while it keeps rejecting)
 */
public record StreamConfig(int historyRevisions, Duration ackTimeout, String replicaId, int maxConcurrentFullStates,
                           Backoff nackRetry) {

    public static final Backoff DEFAULT_NACK_RETRY = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    public StreamConfig(int historyRevisions, Duration ackTimeout, String replicaId) {
        this(historyRevisions, ackTimeout, replicaId, 64);
    }

    public StreamConfig(int historyRevisions, Duration ackTimeout, String replicaId, int maxConcurrentFullStates) {
        this(historyRevisions, ackTimeout, replicaId, maxConcurrentFullStates, DEFAULT_NACK_RETRY);
    }

    public StreamConfig {
        if (historyRevisions < 1 || historyRevisions > 100_000) {
            throw new IllegalArgumentException("historyRevisions: must be 1..100000, got " + historyRevisions);
        }
        if (ackTimeout == null || ackTimeout.isNegative() || ackTimeout.isZero()) {
            throw new IllegalArgumentException("ackTimeout: must be positive, got " + ackTimeout);
        }
        if (replicaId == null || replicaId.isBlank()) {
            throw new IllegalArgumentException("replicaId: required");
        }
        if (maxConcurrentFullStates < 1) {
            throw new IllegalArgumentException("maxConcurrentFullStates: must be at least 1, got " + maxConcurrentFullStates);
        }
        if (nackRetry == null) {
            throw new IllegalArgumentException("nackRetry: required");
        }
    }

    public static StreamConfig defaults(String replicaId) {
        return new StreamConfig(128, Duration.ofSeconds(60), replicaId);
    }
}
