package dev.bulwark.chaos.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.chaos.history.HistoryBuilder;
import dev.bulwark.chaos.history.Op;
import org.junit.jupiter.api.Test;

class WatchCheckerTest {

    private final WatchChecker checker = new WatchChecker();

    @Test
    void acceptsCompleteStreamAcrossAResubscription() {
        var h = new HistoryBuilder()
                .watch(9, 0, 0)
                .event(9, "x", 290, 4, "snapshot", 1)
                .allocate(0, "a", 300, 5, 1, 2).event(9, "a", 300, 5, "allocated", 3)
                .info(9, Op.WATCH, null, 4)
                .allocate(0, "b", 301, 6, 5, 6)
                .watch(10, 5, 7)
                .event(10, "b", 301, 6, "allocated", 8)
                .allocate(0, "a", 300, 6, 9, 10)
                .build();
        CheckResult r = checker.check(h);
        assertEquals(Validity.VALID, r.validity(), r.problems().toString());
        assertEquals(2, r.details().get("subscriptions"));
        assertEquals(3, r.details().get("acknowledged-within-reach"));
    }

    @Test
    void rejectsGap() {
        var h = new HistoryBuilder()
                .watch(9, 0, 0)
                .allocate(0, "a", 300, 1, 1, 2)
                .allocate(0, "b", 301, 2, 3, 4)
                .event(9, "b", 301, 2, "allocated", 5)
                .build();
        CheckResult r = checker.check(h);
        assertEquals(Validity.INVALID, r.validity());
        assertTrue(r.problems().getFirst().startsWith("gap: a acknowledged as 300 at revision 1"), r.problems().toString());
    }

    @Test
    void rejectsOutOfOrderRevisions() {
        var h = new HistoryBuilder()
                .watch(9, 0, 0)
                .event(9, "a", 300, 2, "allocated", 1)
                .event(9, "b", 301, 1, "allocated", 2)
                .build();
        CheckResult r = checker.check(h);
        assertEquals(Validity.INVALID, r.validity());
        assertTrue(r.problems().getFirst().startsWith("revision 1 delivered after 2"), r.problems().toString());
    }

    @Test
    void rejectsResubscriptionThatSkipsRevisions() {
        var h = new HistoryBuilder()
                .watch(9, 0, 0).event(9, "a", 300, 1, "allocated", 1)
                .watch(10, 3, 2)
                .build();
        assertEquals(Validity.INVALID, checker.check(h).validity());
    }

    @Test
    void rejectsCreationDeliveredAfterItsAcknowledgementRevisionAndWrongIds() {
        var late = new HistoryBuilder()
                .watch(9, 0, 0)
                .allocate(0, "a", 300, 1, 1, 2)
                .event(9, "a", 300, 3, "allocated", 3)
                .build();
        assertEquals(Validity.INVALID, checker.check(late).validity());
        var wrong = new HistoryBuilder()
                .watch(9, 0, 0)
                .allocate(0, "a", 300, 1, 1, 2)
                .event(9, "a", 999, 1, "allocated", 3)
                .build();
        assertEquals(Validity.INVALID, checker.check(wrong).validity());
    }
}
