package dev.bulwark.policy.distribution.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The benchmark's own behaviour at a small size (figures are for docs/benchmarks.md, not asserted). */
class FanoutBenchmarkIT {

    @Test
    void aSmallRunMeasuresEveryPhase() throws Exception {
        FanoutResult r = new FanoutBenchmark(new FanoutConfig(60, 40, 10, 5, 3, 4, 42),
                new PrintWriter(new StringWriter())).run();
        assertEquals(0, r.unaffectedBytes(), "agents whose state did not change receive nothing");
        assertEquals(100.0, r.stormResumedPercent(), "every agent resumes from its version");
        assertEquals(0, r.stormFullStates());
        assertEquals(1, r.ipcacheBytesSerializations(), "the shared ipcache delta is serialized once");
        assertTrue(r.deltaBytesAvg() > 0 && r.deltaBytesAvg() < r.fullStateBytesAvg(), r.toString());
        assertTrue(r.agentAckP99Ms() <= r.changeToAllAckedP99Ms() + 1e-9, r.toString());
    }
}
