package dev.bulwark.chaos.generator;

import java.time.Duration;

/**
 * How many operations, how fast, for how long. Validated on construction; messages name the field.
 *
 * @param time          length of the timed phases together (warm-up, faults, heal, quiesce)
 * @param ratePerSecond client operations per second across all processes, 1..100000
 * @param keys          number of distinct label sets the workload touches, 1..1000000
 * @param allocateShare fraction of operations that are allocations (the rest are reads), 0..1
 * @param faultInterval length of one fault window and of the quiet gap after it
 */
public record GeneratorConfig(Duration time, int ratePerSecond, int keys, double allocateShare,
                              Duration faultInterval) {

    public GeneratorConfig {
        if (time == null || time.toMillis() < 1_000) {
            throw new IllegalArgumentException("time: must be at least 1s, got " + time);
        }
        if (ratePerSecond < 1 || ratePerSecond > 100_000) {
            throw new IllegalArgumentException("rate: must be 1..100000 operations per second, got " + ratePerSecond);
        }
        if (keys < 1 || keys > 1_000_000) {
            throw new IllegalArgumentException("keys: must be 1..1000000, got " + keys);
        }
        if (!(allocateShare >= 0 && allocateShare <= 1)) {
            throw new IllegalArgumentException("allocateShare: must be within 0..1, got " + allocateShare);
        }
        if (faultInterval == null || faultInterval.toMillis() < 100) {
            throw new IllegalArgumentException("faultInterval: must be at least 100ms, got " + faultInterval);
        }
    }

    /** Start of {@code phase} in nanoseconds from the start of the run (final reads start after quiesce). */
    public long phaseStartNanos(Phase phase) {
        long t = time.toNanos();
        return switch (phase) {
            case WARM_UP -> 0;
            case FAULTS -> t / 10;
            case HEAL -> t * 7 / 10;
            case QUIESCE -> t * 85 / 100;
            case FINAL_READS -> t;
        };
    }
}
