package dev.bulwark.chaos.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.chaos.history.HistoryBuilder;
import dev.bulwark.chaos.history.Op;
import org.junit.jupiter.api.Test;

class LinearizabilityCheckerTest {

    private final LinearizabilityChecker checker = new LinearizabilityChecker();

    @Test
    void acceptsSequentialAllocateThenReads() {
        var h = new HistoryBuilder()
                .read(0, "a", null, 0, 1)
                .allocate(0, "a", 300, 1, 2, 3)
                .read(1, "a", 300L, 4, 5)
                .allocate(1, "a", 300, 1, 6, 7)
                .build();
        assertEquals(Validity.VALID, checker.check(h).validity());
    }

    @Test
    void acceptsConcurrentReadThatMissesAnOverlappingAllocation() {
        var h = new HistoryBuilder()
                .invoke(0, Op.ALLOCATE, "a", 0).invoke(1, Op.READ, "a", 1)
                .ok(0, Op.ALLOCATE, "a", 300L, 1L, 5).ok(1, Op.READ, "a", null, 6)
                .build();
        // The read overlapped the allocation, so it may be ordered before it.
        assertEquals(Validity.VALID, checker.check(h).validity());
    }

    @Test
    void rejectsStaleReadAfterAcknowledgedAllocation() {
        var h = new HistoryBuilder()
                .allocate(0, "a", 300, 1, 0, 1)
                .read(1, "a", 300L, 2, 3)
                .read(2, "a", null, 4, 5)
                .read(3, "a", 300L, 6, 7)
                .build();
        CheckResult r = checker.check(h);
        assertEquals(Validity.INVALID, r.validity());
        assertTrue(r.problems().getFirst().startsWith("key a:"), r.problems().toString());
        // Minimized: the allocation and the stale read are enough; the two good reads are dropped.
        assertEquals(4, r.witness().size(), r.witness().toString());
        assertTrue(r.witness().containsAll(java.util.List.of(0L, 1L, 4L, 5L)), r.witness().toString());
    }

    @Test
    void rejectsTwoIdsForOneLabelSet() {
        var h = new HistoryBuilder()
                .allocate(0, "a", 300, 1, 0, 1)
                .allocate(1, "a", 301, 2, 2, 3)
                .build();
        assertEquals(Validity.INVALID, checker.check(h).validity());
    }

    @Test
    void rejectsConcurrentAllocationsThatDisagree() {
        var h = new HistoryBuilder()
                .invoke(0, Op.ALLOCATE, "a", 0).invoke(1, Op.ALLOCATE, "a", 0)
                .ok(0, Op.ALLOCATE, "a", 300L, 1L, 5).ok(1, Op.ALLOCATE, "a", 301L, 2L, 5)
                .build();
        assertEquals(Validity.INVALID, checker.check(h).validity());
    }

    @Test
    void rejectsReadOfAnIdNothingAllocated() {
        var h = new HistoryBuilder().read(0, "a", 300L, 0, 1).build();
        assertEquals(Validity.INVALID, checker.check(h).validity());
    }

    @Test
    void unknownAllocationMayHaveTakenEffectLater() {
        var h = new HistoryBuilder()
                .invoke(0, Op.ALLOCATE, "a", 0).info(0, Op.ALLOCATE, "a", 1)
                .read(1, "a", null, 2, 3)
                .read(1, "a", 300L, 4, 5)
                .read(2, "a", 300L, 6, 7)
                .build();
        assertEquals(Validity.VALID, checker.check(h).validity());
    }

    @Test
    void unknownAllocationMayNeverHaveTakenEffect() {
        var h = new HistoryBuilder()
                .invoke(0, Op.ALLOCATE, "a", 0).info(0, Op.ALLOCATE, "a", 1)
                .read(1, "a", null, 2, 3)
                .build();
        assertEquals(Validity.VALID, checker.check(h).validity());
    }

    @Test
    void unknownAllocationCannotUndoAnObservedValue() {
        var h = new HistoryBuilder()
                .invoke(0, Op.ALLOCATE, "a", 0).info(0, Op.ALLOCATE, "a", 1)
                .read(1, "a", 300L, 2, 3)
                .read(1, "a", null, 4, 5)
                .build();
        assertEquals(Validity.INVALID, checker.check(h).validity());
    }

    @Test
    void failedOperationsDidNotHappen() {
        var h = new HistoryBuilder()
                .invoke(0, Op.ALLOCATE, "a", 0).fail(0, Op.ALLOCATE, "a", 1)
                .read(1, "a", null, 2, 3)
                .build();
        assertEquals(Validity.VALID, checker.check(h).validity());
        var bad = new HistoryBuilder()
                .invoke(0, Op.ALLOCATE, "a", 0).fail(0, Op.ALLOCATE, "a", 1)
                .read(1, "a", 300L, 2, 3)
                .build();
        assertEquals(Validity.INVALID, checker.check(bad).validity(), "a failed allocation cannot be observed");
    }

    @Test
    void keysAreIndependent() {
        var h = new HistoryBuilder()
                .allocate(0, "a", 300, 1, 0, 1)
                .read(1, "b", null, 2, 3)
                .allocate(1, "b", 301, 2, 4, 5)
                .build();
        CheckResult r = checker.check(h);
        assertEquals(Validity.VALID, r.validity());
        assertEquals(2, r.details().get("keys"));
    }

    @Test
    void searchHandlesManyConcurrentUnknownAllocations() {
        HistoryBuilder b = new HistoryBuilder();
        for (int p = 0; p < 200; p++) {
            b.invoke(p, Op.ALLOCATE, "a", p);
        }
        for (int p = 0; p < 200; p++) {
            b.info(p, Op.ALLOCATE, "a", 300 + p);
        }
        b.read(500, "a", 7L, 600, 601).read(501, "a", 8L, 602, 603);
        assertFalse(checker.check(b.build()).valid());
    }
}
