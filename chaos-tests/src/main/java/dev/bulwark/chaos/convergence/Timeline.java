package dev.bulwark.chaos.convergence;

import dev.bulwark.chaos.convergence.ConvergenceConfig.Fault;
import dev.bulwark.chaos.generator.FaultKind;
import dev.bulwark.chaos.generator.FaultPlan;
import dev.bulwark.chaos.generator.FaultWindow;
import dev.bulwark.chaos.generator.GeneratorConfig;
import dev.bulwark.chaos.generator.Phase;
import dev.bulwark.chaos.history.HistoryRecorder;
import dev.bulwark.chaos.history.Op;
import dev.bulwark.chaos.history.OpType;
import dev.bulwark.chaos.history.OpValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The convergence run's timeline, on the calling (conductor) thread: phase markers, each fault started and
 * stopped on time as a nemesis operation (process -1: kill/restart, pause/resume, heal), everything healed
 * when heal starts and the changer stopped when quiesce starts. Also the seeded fault plan.
 */
final class Timeline {

    private Timeline() {
    }

    /** Phase markers, fault windows on time, everything healed at heal, the changer stopped at quiesce. */
    static void conduct(GeneratorConfig gc, List<Fault> plan, long offset, HistoryRecorder history, Stack stack,
                                Changer changer, Thread changerThread) throws InterruptedException {
        record Step(long at, int order, Runnable action) {
        }
        List<Step> steps = new ArrayList<>();
        for (Phase p : List.of(Phase.WARM_UP, Phase.FAULTS, Phase.HEAL, Phase.QUIESCE)) {
            steps.add(new Step(offset + gc.phaseStartNanos(p), 0, () -> {
                if (p == Phase.HEAL) {
                    nemesis(history, "heal", "all", () -> stack.healAll().toString());
                }
                if (p == Phase.QUIESCE) {
                    changer.stop();
                    try {
                        changerThread.join(10_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                history.append(OpType.OK, Op.NEMESIS, Op.PHASE, OpValue.ofDetail(p.wire()), null);
            }));
        }
        for (Fault f : plan) {
            Daemon d = stack.daemon(f.target());
            boolean kill = f.kind() == FaultKind.KILL;
            steps.add(new Step(offset + f.start().toNanos(), 2, () -> nemesis(history, kill ? "kill" : "pause", f.target(), () -> {
                if (kill) {
                    d.kill();
                } else {
                    d.pause();
                }
                return null;
            })));
            steps.add(new Step(offset + f.end().toNanos(), 1, () -> nemesis(history, kill ? "restart" : "resume", f.target(), () -> {
                if (kill) {
                    d.start();
                } else {
                    d.resume();
                }
                return null;
            })));
        }
        steps.sort(Comparator.comparingLong(Step::at).thenComparingInt(Step::order));
        for (Step s : steps) {
            long wait = s.at() - history.elapsedNanos();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            s.action().run();
        }
    }

    private static void nemesis(HistoryRecorder history, String f, String target, java.util.function.Supplier<String> action) {
        history.append(OpType.INVOKE, Op.NEMESIS, f, OpValue.ofDetail(target), null);
        try {
            String more = action.get();
            history.append(OpType.OK, Op.NEMESIS, f, OpValue.ofDetail(more == null ? target : target + " " + more), null);
        } catch (RuntimeException e) {
            history.append(OpType.INFO, Op.NEMESIS, f, OpValue.ofDetail(target), e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** The seeded plan's windows (kill or pause), each on a process drawn from every allocator, distributor and agent. */
    static List<Fault> seededPlan(GeneratorConfig gc, ConvergenceConfig cfg, List<String> processes, SplittableRandom random) {
        List<Fault> out = new ArrayList<>();
        for (FaultWindow w : FaultPlan.plan(gc, cfg.faults(), random)) {
            String target = processes.get(new SplittableRandom(w.choice()).nextInt(processes.size()));
            out.add(new Fault(w.kind(), target, Duration.ofNanos(w.startNanos()), Duration.ofNanos(w.endNanos())));
        }
        return out;
    }

    static String describe(List<Fault> plan) {
        List<String> parts = new ArrayList<>();
        plan.forEach(f -> parts.add(f.kind().wire() + " " + f.target() + " " + f.start().toSeconds() + "-" + f.end().toSeconds() + " s"));
        return String.join(", ", parts);
    }

}
