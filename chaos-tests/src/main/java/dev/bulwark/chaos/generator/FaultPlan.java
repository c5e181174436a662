package dev.bulwark.chaos.generator;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The seeded fault schedule: during the faults phase, windows of {@code faultInterval} separated by quiet
 * gaps of the same length, each a fault kind drawn from the enabled ones with a targeting that suits it.
 * Every window ends before the heal phase starts.
 */
public final class FaultPlan {

    private static final List<Targeting> PARTITIONS = List.of(Targeting.ONE, Targeting.LEADER, Targeting.MINORITY,
            Targeting.MAJORITY, Targeting.MAJORITIES_RING);
    private static final List<Targeting> PROCESS = List.of(Targeting.ONE, Targeting.LEADER);

    private FaultPlan() {
    }

    public static List<FaultWindow> plan(GeneratorConfig config, Set<FaultKind> enabled, RandomGenerator random) {
        return plan(config, enabled, Set.of(), random);
    }

    /**
     * As {@link #plan(GeneratorConfig, Set, RandomGenerator)}, drawing targetings only from {@code targets}
     * where they apply to the fault kind (empty: all), e.g. {@code {LEADER}} for a leader-kill campaign.
     */
    public static List<FaultWindow> plan(GeneratorConfig config, Set<FaultKind> enabled, Set<Targeting> targets,
                                         RandomGenerator random) {
        List<FaultWindow> out = new ArrayList<>();
        if (enabled.isEmpty()) {
            return out;
        }
        List<FaultKind> kinds = enabled.stream().sorted().toList();
        long interval = config.faultInterval().toNanos();
        long end = config.phaseStartNanos(Phase.HEAL);
        for (long t = config.phaseStartNanos(Phase.FAULTS); t + interval <= end; t += 2 * interval) {
            FaultKind kind = kinds.get(random.nextInt(kinds.size()));
            List<Targeting> allowed = kind == FaultKind.PARTITION ? PARTITIONS : PROCESS;
            List<Targeting> chosen = allowed.stream().filter(x -> targets.isEmpty() || targets.contains(x)).toList();
            List<Targeting> from = chosen.isEmpty() ? allowed : chosen;
            out.add(new FaultWindow(t, t + interval, kind, from.get(random.nextInt(from.size())),
                    random.nextLong() >>> 1));
        }
        return out;
    }
}
