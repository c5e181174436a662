package dev.bulwark.chaos.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.chaos.history.History;
import dev.bulwark.chaos.history.Op;
import dev.bulwark.chaos.history.OpType;
import dev.bulwark.chaos.history.OpValue;
import dev.bulwark.chaos.history.Operation;
import dev.bulwark.testkit.Seeds;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Seeded histories of a correct store are accepted by every safety checker, and one corrupted answer in
 * them is found. The 100k-operation case prints how long checking took (recorded in docs/chaos.md; not
 * asserted).
 */
class LargeHistorySimulationTest {

    @Test
    void correctConcurrentHistoriesAreLinearizable() throws Exception {
        Seeds.run("correct histories", random -> {
            for (int round = 0; round < 20; round++) {
                History h = RegisterHistories.correct(random, 400, 8, 5, 0.1);
                CheckResult r = new LinearizabilityChecker().check(h);
                assertEquals(Validity.VALID, r.validity(), r.problems().toString());
                assertEquals(Validity.VALID, new UniquenessChecker().check(h).validity());
                assertEquals(Validity.VALID, new StabilityChecker().check(h).validity());
            }
        });
    }

    @Test
    void oneCorruptedReadIsFound() throws Exception {
        Seeds.run("corrupted histories", random -> {
            History h = RegisterHistories.correct(random, 2_000, 8, 10, 0.05);
            List<Op> ops = new ArrayList<>(h.ops());
            // Corrupt the last successful read that found an id: it now reports "not found".
            Operation victim = h.operations().reversed().stream()
                    .filter(o -> o.isOk() && o.f().equals(Op.READ) && o.id() != null).findFirst().orElseThrow();
            Op c = victim.completion();
            ops.set((int) c.index(), new Op(c.index(), OpType.OK, c.process(), c.f(), OpValue.ofKey(c.value().key()),
                    null, c.timeNanos()));
            History corrupted = new History(ops);
            assertEquals(Validity.INVALID, new LinearizabilityChecker().check(corrupted).validity());
            assertEquals(Validity.INVALID, new StabilityChecker().check(corrupted).validity());
        });
    }

    @Test
    void hundredThousandOperations() throws Exception {
        Seeds.run("100k operations", random -> {
            History h = RegisterHistories.correct(random, 100_000, 20, 1_000, 0.02);
            long start = System.nanoTime();
            var verdict = CompositeChecker.identityStore().check(h);
            long ms = (System.nanoTime() - start) / 1_000_000;
            System.out.println("checked 100000 operations (" + h.size() + " lines, 20 processes, 1000 keys) in "
                    + ms + " ms");
            assertEquals(Validity.VALID, verdict.results().getFirst().validity());
            assertEquals(Validity.VALID, verdict.results().get(1).validity());
            assertEquals(Validity.VALID, verdict.results().get(2).validity());
        });
    }
}
