package dev.bulwark.chaos.generator;

import dev.bulwark.chaos.history.Op;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The seeded plan of client operations. Operations are spaced evenly at the configured rate with a
 * seeded jitter inside each slot; none are planned during quiesce; the final-reads phase reads every key
 * once, in a seeded order, at the same rate or 1000/s, whichever is faster. Keys are drawn with a hot
 * set (half the operations go to the first tenth of the keys) so that operations on one label set are
 * concurrent.
 *
 * <p>Not thread-safe: the runner hands out operations under its own lock.
 */
public final class OpGenerator {

    private final GeneratorConfig config;
    private final RandomGenerator random;
    /** Final reads go at least this fast (1000/s), so a large key space does not make them the longest phase. */
    private static final long FINAL_READ_INTERVAL_NANOS = 1_000_000;

    private final long intervalNanos;
    private final long finalIntervalNanos;
    private final int[] finalOrder;
    private long sequence;
    private long timedSlot;
    private int finalIndex;
    private boolean timedDone;

    public OpGenerator(GeneratorConfig config, RandomGenerator random) {
        this.config = config;
        this.random = random;
        this.intervalNanos = 1_000_000_000L / config.ratePerSecond();
        this.finalIntervalNanos = Math.min(intervalNanos, FINAL_READ_INTERVAL_NANOS);
        this.finalOrder = shuffled(config.keys(), random);
    }

    /** The next operation of the plan, or empty when the plan is exhausted. */
    public Optional<PlannedOp> next() {
        long quiesce = config.phaseStartNanos(Phase.QUIESCE);
        long at = timedDone ? quiesce : timedSlot * intervalNanos + random.nextLong(intervalNanos);
        timedDone = at >= quiesce;
        if (!timedDone) {
            timedSlot++;
            Phase phase = phaseAt(at);
            String f = random.nextDouble() < config.allocateShare() ? Op.ALLOCATE : Op.READ;
            return Optional.of(new PlannedOp(sequence++, at, phase, f, pickKey()));
        }
        if (finalIndex < finalOrder.length) {
            long finalAt = config.phaseStartNanos(Phase.FINAL_READS) + finalIndex * finalIntervalNanos;
            return Optional.of(new PlannedOp(sequence++, finalAt, Phase.FINAL_READS, Op.READ, finalOrder[finalIndex++]));
        }
        return Optional.empty();
    }

    /** The phase a time falls in. */
    public Phase phaseAt(long atNanos) {
        Phase current = Phase.WARM_UP;
        for (Phase p : Phase.values()) {
            if (atNanos >= config.phaseStartNanos(p)) {
                current = p;
            }
        }
        return current;
    }

    private int pickKey() {
        int hot = Math.max(1, config.keys() / 10);
        return random.nextBoolean() ? random.nextInt(hot) : random.nextInt(config.keys());
    }

    private static int[] shuffled(int n, RandomGenerator random) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
