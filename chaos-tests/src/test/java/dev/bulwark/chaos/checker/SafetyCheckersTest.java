package dev.bulwark.chaos.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.chaos.history.HistoryBuilder;
import dev.bulwark.chaos.history.Op;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Uniqueness, stability and lost-allocation checkers on hand-written histories. */
class SafetyCheckersTest {

    @Test
    void uniquenessRejectsOneIdForTwoLabelSets() {
        var h = new HistoryBuilder()
                .allocate(0, "a", 300, 1, 0, 1)
                .allocate(1, "b", 300, 2, 2, 3)
                .build();
        CheckResult r = new UniquenessChecker().check(h);
        assertEquals(Validity.INVALID, r.validity());
        assertEquals(List.of(1L, 3L), r.witness());
        assertTrue(r.problems().getFirst().contains("id 300 acknowledged for a"), r.problems().toString());
    }

    @Test
    void uniquenessCountsWatchEventsAndReads() {
        var viaWatch = new HistoryBuilder()
                .allocate(0, "a", 300, 1, 0, 1)
                .watch(9, 0, 0).event(9, "b", 300, 1, "allocated", 2)
                .build();
        assertEquals(Validity.INVALID, new UniquenessChecker().check(viaWatch).validity());
        var ok = new HistoryBuilder()
                .allocate(0, "a", 300, 1, 0, 1)
                .allocate(1, "b", 301, 2, 0, 1)
                .read(2, "a", 300L, 2, 3)
                .build();
        assertEquals(Validity.VALID, new UniquenessChecker().check(ok).validity());
    }

    @Test
    void stabilityRejectsStaleReadAndChangedId() {
        var stale = new HistoryBuilder()
                .allocate(0, "a", 300, 1, 0, 1)
                .read(1, "a", null, 2, 3)
                .build();
        CheckResult r = new StabilityChecker().check(stale);
        assertEquals(Validity.INVALID, r.validity());
        assertTrue(r.problems().getFirst().contains("later read returned not-found"), r.problems().toString());
        var changed = new HistoryBuilder()
                .allocate(0, "a", 300, 1, 0, 1)
                .allocate(1, "a", 301, 2, 5, 6)
                .build();
        assertEquals(Validity.INVALID, new StabilityChecker().check(changed).validity());
    }

    @Test
    void stabilityIgnoresOperationsConcurrentWithTheAcknowledgement() {
        var h = new HistoryBuilder()
                .invoke(1, Op.READ, "a", 0)
                .allocate(0, "a", 300, 1, 0, 1)
                .ok(1, Op.READ, "a", null, 2)
                .read(1, "a", 300L, 3, 4)
                .build();
        CheckResult r = new StabilityChecker().check(h);
        assertEquals(Validity.VALID, r.validity());
        assertEquals(1, r.details().get("operations-after-acknowledgement"));
    }

    @Test
    void lostAllocationRejectsMissingAcknowledgedIdAfterHeal() {
        var h = new HistoryBuilder()
                .allocate(0, "a", 300, 1, 0, 1)
                .allocate(0, "b", 301, 2, 2, 3)
                .phase(LostAllocationChecker.FINAL_PHASE, 10)
                .read(1, "a", 300L, 11, 12)
                .read(1, "b", null, 13, 14)
                .build();
        CheckResult r = new LostAllocationChecker().check(h);
        assertEquals(Validity.INVALID, r.validity());
        assertEquals(1, r.details().get("lost"));
        assertTrue(r.problems().getFirst().startsWith("key b: acknowledged id 301"), r.problems().toString());
    }

    @Test
    void lostAllocationIsUnknownWithoutFinalReads() {
        var noPhase = new HistoryBuilder().allocate(0, "a", 300, 1, 0, 1).build();
        assertEquals(Validity.UNKNOWN, new LostAllocationChecker().check(noPhase).validity());
        var unread = new HistoryBuilder()
                .allocate(0, "a", 300, 1, 0, 1)
                .phase(LostAllocationChecker.FINAL_PHASE, 2)
                .invoke(1, Op.READ, "a", 3).fail(1, Op.READ, "a", 4)
                .build();
        assertEquals(Validity.UNKNOWN, new LostAllocationChecker().check(unread).validity());
    }

    @Test
    void lostAllocationAcceptsAllPresent() {
        var h = new HistoryBuilder()
                .allocate(0, "a", 300, 1, 0, 1)
                .read(1, "a", 300L, 2, 3)
                .phase(LostAllocationChecker.FINAL_PHASE, 5)
                .read(1, "a", 300L, 6, 7)
                .build();
        assertEquals(Validity.VALID, new LostAllocationChecker().check(h).validity());
    }

    @Test
    void lostAllocationOnlyCountsFinalReadsAfterTheAcknowledgement() {
        // A slow allocation acknowledged after a final read that found nothing is not a loss.
        var h = new HistoryBuilder()
                .phase(LostAllocationChecker.FINAL_PHASE, 0)
                .invoke(0, Op.ALLOCATE, "a", 1)
                .read(1, "a", null, 2, 3)
                .ok(0, Op.ALLOCATE, "a", 300L, 1L, 4)
                .build();
        CheckResult r = new LostAllocationChecker().check(h);
        assertEquals(Validity.UNKNOWN, r.validity(), r.problems().toString());
        assertEquals(0, r.details().get("lost"));
    }
}
