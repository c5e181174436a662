package dev.bulwark.policy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The benchmark runs end to end on a tiny workload and reports consistent counts (no timing asserted). */
class PolicyBenchmarkTest {

    @Test
    void tinyRunReportsTheWorkloadItWasGiven() {
        AtomicLong clock = new AtomicLong();
        PolicyBenchmark.Result r = new PolicyBenchmark(new BenchWorkload(3, 6, 8), 50, 10, () -> clock.addAndGet(1_000)).run();
        assertEquals(18, r.identities());
        assertEquals(24, r.policies());
        assertEquals(50, r.unrelatedRules());
        assertEquals(10, r.deltaSamples());
        assertTrue(r.smallResolveEntries() > 0 && r.resolveEntries() > r.smallResolveEntries(), r.toString());
        assertEquals(r.entriesMean() * PolicyBenchmark.ENTRY_BYTES, r.bytesMean(), 1e-9);
        assertTrue(r.entriesMax() >= r.entriesMean(), r.toString());
        assertTrue(r.policyGroups() > 0 && r.policyGroups() < r.endpoints(), "apps without rules of their own share groups: " + r);
    }
}
