package dev.bulwark.chaos.workload;

import dev.bulwark.chaos.generator.FaultWindow;
import dev.bulwark.chaos.generator.GeneratorConfig;
import dev.bulwark.chaos.generator.Phase;
import dev.bulwark.chaos.history.HistoryRecorder;
import dev.bulwark.chaos.history.Op;
import dev.bulwark.chaos.history.OpType;
import dev.bulwark.chaos.history.OpValue;
import dev.bulwark.chaos.nemesis.Nemesis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The run's timeline on the calling thread: phase markers at each phase start, fault windows started and
 * stopped on time, everything healed when the heal phase starts, and final reads released once their
 * phase marker is recorded. Steps run one after another; when a fault step overruns (a wipe and rejoin
 * can take seconds), the following phases are shifted so each keeps its planned length. The final reads
 * start only once a leader is known (or {@link #FINAL_READS_AWAIT_LEADER} passed).
 */
final class Conductor {

    /** How long the final reads wait for an elected leader after heal and quiesce. */
    static final Duration FINAL_READS_AWAIT_LEADER = Duration.ofSeconds(120);

    private Conductor() {
    }

    private record Step(long atNanos, int order, Runnable action) {

        boolean isPhase() {
            return order == 0;
        }
    }

    static void conduct(GeneratorConfig gc, List<FaultWindow> plan, HistoryRecorder history, Nemesis nemesis,
                        Workers workers) throws InterruptedException {
        List<Step> steps = new ArrayList<>();
        for (Phase p : Phase.values()) {
            steps.add(new Step(gc.phaseStartNanos(p), 0, () -> {
                if (p == Phase.HEAL) {
                    nemesis.healAll();
                }
                if (p == Phase.FINAL_READS) {
                    nemesis.awaitLeader(FINAL_READS_AWAIT_LEADER);
                }
                history.append(OpType.OK, Op.NEMESIS, Op.PHASE, OpValue.ofDetail(p.wire()), null);
                if (p == Phase.FINAL_READS) {
                    workers.finalPhaseRecorded();
                }
            }));
        }
        for (FaultWindow w : plan) {
            steps.add(new Step(w.startNanos(), 2, () -> nemesis.start(w)));
            steps.add(new Step(w.endNanos(), 1, () -> nemesis.stop(w)));
        }
        steps.sort(Comparator.comparingLong(Step::atNanos).thenComparingInt(Step::order));
        long lastPlanned = 0;
        long lastActual = 0;
        for (Step s : steps) {
            long target = s.atNanos();
            if (s.isPhase()) {
                // A slow fault (a rejoin can take seconds) must not eat the next phase: keep each phase's length.
                target = Math.max(target, lastActual + (s.atNanos() - lastPlanned));
                lastPlanned = s.atNanos();
            }
            long wait = target - history.elapsedNanos();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            s.action().run();
            if (s.isPhase()) {
                lastActual = history.elapsedNanos();
            }
        }
    }
}
