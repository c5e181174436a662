package dev.bulwark.chaos.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.chaos.history.HistoryBuilder;
import dev.bulwark.chaos.history.OpType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PerformanceCheckerTest {

    @Test
    void countsLatenciesStallsAndRecoveryAfterKills() {
        var h = new HistoryBuilder()
                .allocate(0, "a", 300, 1, 0, 10)
                .nemesis(OpType.INVOKE, "kill", "n1", 100)
                .nemesis(OpType.OK, "kill", "n1", 100)
                .invoke(1, "allocate", "b", 150).info(1, "allocate", "b", 1150)
                .allocate(0, "b", 301, 2, 1200, 1300)
                .read(2, "a", 300L, 1400, 1420)
                .build();
        CheckResult r = new PerformanceChecker().check(h);
        assertEquals(Validity.VALID, r.validity());
        assertEquals(1290.0, r.details().get("longest-allocation-stall-ms"));
        assertEquals(1, r.details().get("kills"));
        assertEquals(1200.0, r.details().get("stall-after-kill-max-ms"));
        assertEquals(1200.0, r.details().get("stall-after-kill-p99-ms"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> ops = (Map<String, Map<String, Object>>) r.details().get("operations");
        assertEquals(2L, ops.get("allocate").get("ok"));
        assertEquals(1L, ops.get("allocate").get("info"));
        assertEquals(20.0, ops.get("read").get("p50-ms"));
    }

    @Test
    void listsEachKillsStallInOrderAndCountsKillsTheRecoveryWaitGaveUpOn() {
        var h = new HistoryBuilder()
                .nemesis(OpType.INVOKE, "await-recovery", null, 0)
                .nemesis(OpType.OK, "await-recovery", null, 50)
                .nemesis(OpType.INVOKE, "kill", "n1", 100)
                .nemesis(OpType.OK, "kill", "n1", 100)
                .allocate(0, "a", 300, 1, 200, 900)
                .nemesis(OpType.INVOKE, "await-recovery", null, 1000)
                .nemesis(OpType.INFO, "await-recovery", "n1", 2000)
                .nemesis(OpType.INVOKE, "kill", "n2", 2000)
                .nemesis(OpType.OK, "kill", "n2", 2000)
                .allocate(0, "b", 301, 2, 2100, 7000)
                .nemesis(OpType.INVOKE, "await-recovery", null, 8000)
                .nemesis(OpType.OK, "await-recovery", null, 8100)
                .nemesis(OpType.INVOKE, "kill", "n3", 8100)
                .nemesis(OpType.OK, "kill", "n3", 8100)
                .build();
        CheckResult r = new PerformanceChecker().check(h);
        assertEquals(3, r.details().get("kills"));
        assertEquals(1, r.details().get("kills-before-recovery"));
        // The last kill has no allocation after it: listed as null, left out of the percentiles.
        assertEquals(java.util.Arrays.asList(800.0, 5000.0, null), r.details().get("stall-after-kill-ms"));
        assertEquals(800.0, r.details().get("stall-after-kill-p50-ms"));
        assertEquals(5000.0, r.details().get("stall-after-kill-max-ms"));
        assertEquals(List.of(), r.problems());
    }
}
