package dev.bulwark.policy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The benchmark runs end to end on a tiny workload and reports consistent counts (no timing asserted),
 * and its warm-up ends when the injected JIT compile-time clock stops moving.
 */
class PolicyBenchmarkTest {

    @Test
    void tinyRunReportsTheWorkloadItWasGiven() {
        AtomicLong clock = new AtomicLong();
        PolicyBenchmark.Result r = new PolicyBenchmark(new BenchWorkload(3, 6, 8), 50, 10, () -> clock.addAndGet(1_000), () -> 7).run();
        assertEquals(18, r.identities());
        assertEquals(24, r.policies());
        assertEquals(50, r.unrelatedRules());
        assertEquals(10, r.deltaSamples());
        assertTrue(r.smallResolveEntries() > 0 && r.resolveEntries() > r.smallResolveEntries(), r.toString());
        assertEquals(r.entriesMean() * PolicyBenchmark.ENTRY_BYTES, r.bytesMean(), 1e-9);
        assertTrue(r.entriesMax() >= r.entriesMean(), r.toString());
        assertTrue(r.policyGroups() > 0 && r.policyGroups() < r.endpoints(), "apps without rules of their own share groups: " + r);
        assertEquals(10 * PolicyBenchmark.WARM_UP_ROUNDS_PER_SAMPLE + PolicyBenchmark.QUIET_BLOCKS * PolicyBenchmark.QUIET_BLOCK_ROUNDS,
                r.warmUpRounds(), "a JIT that compiles nothing ends the warm-up after the fixed rounds and the quiet blocks");
        assertTrue(r.jitQuiet());
        assertEquals(0, r.samplesJitMillis());
    }

    @Test
    void warmUpGoesOnWhileTheJitCompilesAndStopsAtItsCap() {
        AtomicLong clock = new AtomicLong();
        // Compile time grows on each of the first 4 readings after the fixed rounds: blocks 1-2 are busy
        // (a block reads it twice), then three quiet blocks end the warm-up.
        AtomicLong reads = new AtomicLong();
        PolicyBenchmark.Result settles = new PolicyBenchmark(new BenchWorkload(3, 6, 8), 50, 10, () -> clock.addAndGet(1_000),
                () -> Math.min(reads.getAndIncrement(), 4) * 10).run();
        assertEquals(10 * PolicyBenchmark.WARM_UP_ROUNDS_PER_SAMPLE + (2 + PolicyBenchmark.QUIET_BLOCKS) * PolicyBenchmark.QUIET_BLOCK_ROUNDS,
                settles.warmUpRounds());
        assertTrue(settles.jitQuiet());

        AtomicLong busy = new AtomicLong();
        PolicyBenchmark.Result never = new PolicyBenchmark(new BenchWorkload(3, 6, 8), 50, 10, () -> clock.addAndGet(1_000),
                () -> busy.addAndGet(5)).run();
        assertEquals(10 * PolicyBenchmark.WARM_UP_ROUNDS_PER_SAMPLE + PolicyBenchmark.MAX_QUIET_BLOCKS * PolicyBenchmark.QUIET_BLOCK_ROUNDS,
                never.warmUpRounds(), "a JIT that never settles does not hang the benchmark");
        assertFalse(never.jitQuiet(), "and the result says so");
        assertEquals(5, never.samplesJitMillis(), "compile time while the samples ran is reported");
    }
}
