package dev.bulwark.testkit;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Seeds for simulation tests. The seed comes from {@code -Dbulwark.seed=N} when set (to replay a
 * failure), otherwise from the time; {@link #run} prints it when the body fails.
 */
public final class Seeds {

    private Seeds() {
    }

    public static long pick() {
        String fixed = System.getProperty("bulwark.seed");
        return fixed != null ? Long.parseLong(fixed) : System.nanoTime() ^ System.currentTimeMillis();
    }

    public static RandomGenerator random(long seed) {
        return new SplittableRandom(seed);
    }

    /** A body run with a seeded generator. */
    @FunctionalInterface
    public interface SeededBody {
        void run(RandomGenerator random) throws Exception;
    }

    /** Runs {@code body} with a fresh seed; on failure the error says how to replay it. */
    public static void run(String what, SeededBody body) throws Exception {
        long seed = pick();
        try {
            body.run(random(seed));
        } catch (Throwable t) {
            AssertionError e = new AssertionError(what + " failed with seed " + seed
                    + " (replay: -Dbulwark.seed=" + seed + "): " + t.getMessage(), t);
            System.err.println(e.getMessage());
            throw e;
        }
    }
}
