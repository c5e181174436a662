package dev.bulwark.chaos.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.chaos.history.HistoryBuilder;
import dev.bulwark.chaos.history.OpType;
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
}
