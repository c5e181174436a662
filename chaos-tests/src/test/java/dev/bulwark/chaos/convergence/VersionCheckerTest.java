package dev.bulwark.chaos.convergence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.chaos.checker.CheckResult;
import dev.bulwark.chaos.checker.Validity;
import dev.bulwark.chaos.convergence.VersionChecker.Sample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Versions only grow within one agent instance; a restarted agent may start again from 0. */
class VersionCheckerTest {

    @Test
    void growingOrEqualVersionsAreValid() {
        CheckResult r = VersionChecker.check(Map.of("a1", List.of(new Sample(1, 1, 0), new Sample(2, 1, 3),
                new Sample(3, 1, 3), new Sample(4, 1, 9))));
        assertEquals(Validity.VALID, r.validity(), r.problems().toString());
    }

    @Test
    void aVersionGoingDownWithoutARestartIsInvalid() {
        CheckResult r = VersionChecker.check(Map.of("a1", List.of(new Sample(1_000_000_000L, 1, 12),
                new Sample(2_500_000_000L, 1, 2))));
        assertEquals(Validity.INVALID, r.validity());
        assertEquals(List.of("agent a1: acknowledged version 12 at 1.0 s, then 2 at 2.5 s without restarting"), r.problems());
    }

    @Test
    void aRestartedAgentMayStartAgain() {
        CheckResult r = VersionChecker.check(Map.of("a2", List.of(new Sample(1, 1, 40), new Sample(2, 2, 0),
                new Sample(3, 2, 41))));
        assertEquals(Validity.VALID, r.validity(), r.problems().toString());
    }

    @Test
    void noSamplesIsUnknown() {
        assertEquals(Validity.UNKNOWN, VersionChecker.check(Map.of()).validity());
    }
}
