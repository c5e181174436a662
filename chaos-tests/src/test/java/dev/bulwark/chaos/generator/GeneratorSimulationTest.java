package dev.bulwark.chaos.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.chaos.history.Op;
import dev.bulwark.testkit.Seeds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GeneratorSimulationTest {

    private static final GeneratorConfig CONFIG =
            new GeneratorConfig(Duration.ofSeconds(20), 500, 200, 0.5, Duration.ofSeconds(2));

    private static List<PlannedOp> drain(GeneratorConfig config, long seed) {
        OpGenerator g = new OpGenerator(config, new SplittableRandom(seed));
        List<PlannedOp> out = new ArrayList<>();
        for (Optional<PlannedOp> op = g.next(); op.isPresent(); op = g.next()) {
            out.add(op.get());
        }
        return out;
    }

    @Test
    void sameSeedSamePlanDifferentSeedDifferentPlan() throws Exception {
        Seeds.run("generator determinism", random -> {
            long seed = random.nextLong();
            assertEquals(drain(CONFIG, seed), drain(CONFIG, seed));
            assertNotEquals(drain(CONFIG, seed), drain(CONFIG, seed + 1));
            Set<FaultKind> all = EnumSet.allOf(FaultKind.class);
            assertEquals(FaultPlan.plan(CONFIG, all, new SplittableRandom(seed)),
                    FaultPlan.plan(CONFIG, all, new SplittableRandom(seed)));
        });
    }

    @Test
    void planIsRateLimitedPhasedAndBounded() throws Exception {
        Seeds.run("generator phases", random -> {
            int rate = 50 + random.nextInt(1_000);
            int keys = 1 + random.nextInt(500);
            GeneratorConfig config = new GeneratorConfig(Duration.ofSeconds(5 + random.nextInt(30)), rate, keys,
                    random.nextDouble(), Duration.ofMillis(500 + random.nextInt(3_000)));
            List<PlannedOp> plan = drain(config, random.nextLong());
            long quiesce = config.phaseStartNanos(Phase.QUIESCE);
            long finalStart = config.phaseStartNanos(Phase.FINAL_READS);
            List<PlannedOp> timed = plan.stream().filter(o -> o.phase() != Phase.FINAL_READS).toList();
            List<PlannedOp> finals = plan.stream().filter(o -> o.phase() == Phase.FINAL_READS).toList();
            // Rate: one operation per 1/rate slot, so the timed phases hold at most rate * seconds of them.
            long expected = quiesce * rate / 1_000_000_000L;
            assertTrue(Math.abs(timed.size() - expected) <= 1, timed.size() + " vs " + expected);
            for (int i = 1; i < plan.size(); i++) {
                assertTrue(plan.get(i).atNanos() >= plan.get(i - 1).atNanos(), "time order at " + i);
                assertEquals(i, plan.get(i).sequence());
            }
            for (PlannedOp o : timed) {
                assertTrue(o.atNanos() < quiesce, "no operation during quiesce");
                assertTrue(o.key() >= 0 && o.key() < keys);
                assertEquals(new OpGenerator(config, new SplittableRandom(0)).phaseAt(o.atNanos()), o.phase());
            }
            // Final reads: every key exactly once, all reads, after quiesce.
            Set<Integer> read = new HashSet<>();
            for (PlannedOp o : finals) {
                assertEquals(Op.READ, o.f());
                assertTrue(o.atNanos() >= finalStart);
                assertTrue(read.add(o.key()), "key read twice: " + o.key());
            }
            assertEquals(keys, read.size());
        });
    }

    @Test
    void faultWindowsStayInsideTheFaultsPhaseAndDoNotOverlap() throws Exception {
        Seeds.run("fault plan", random -> {
            GeneratorConfig config = new GeneratorConfig(Duration.ofSeconds(10 + random.nextInt(120)), 100, 10, 0.5,
                    Duration.ofMillis(200 + random.nextInt(5_000)));
            Set<FaultKind> kinds = EnumSet.of(FaultKind.PARTITION, FaultKind.PAUSE);
            List<FaultWindow> plan = FaultPlan.plan(config, kinds, random);
            long previousEnd = config.phaseStartNanos(Phase.FAULTS);
            for (FaultWindow w : plan) {
                assertTrue(w.startNanos() >= previousEnd, "overlap");
                assertTrue(w.endNanos() <= config.phaseStartNanos(Phase.HEAL), "after heal starts");
                assertTrue(kinds.contains(w.kind()));
                if (w.kind() == FaultKind.PAUSE) {
                    assertTrue(w.targeting() == Targeting.ONE || w.targeting() == Targeting.LEADER);
                }
                previousEnd = w.endNanos();
            }
            assertTrue(FaultPlan.plan(config, Set.of(), random).isEmpty());
        });
    }

    @Test
    void badConfigNamesTheField() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new GeneratorConfig(Duration.ofSeconds(10), 0, 10, 0.5, Duration.ofSeconds(1)));
        assertTrue(e.getMessage().startsWith("rate: "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FaultKind.parse("flood"));
        assertTrue(e.getMessage().startsWith("nemesis: unknown fault 'flood'"), e.getMessage());
    }

    @Test
    void targetsRestrictTheTargetings() {
        List<FaultWindow> plan = FaultPlan.plan(CONFIG, EnumSet.of(FaultKind.KILL, FaultKind.PARTITION),
                Set.of(Targeting.LEADER), new SplittableRandom(5));
        assertTrue(!plan.isEmpty());
        assertTrue(plan.stream().allMatch(w -> w.targeting() == Targeting.LEADER), plan.toString());
    }
}
