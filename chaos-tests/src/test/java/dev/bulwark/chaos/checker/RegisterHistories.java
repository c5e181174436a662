package dev.bulwark.chaos.checker;

import dev.bulwark.chaos.history.History;
import dev.bulwark.chaos.history.Op;
import dev.bulwark.chaos.history.OpType;
import dev.bulwark.chaos.history.OpValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Seeded histories of a correct store: each operation takes effect at a random point between its
 * invocation and completion, in that order across all processes, so the history is linearizable by
 * construction. Some completions are recorded as info (and then took effect or not at random).
 */
final class RegisterHistories {

    private RegisterHistories() {
    }

    private record Planned(int process, String f, String key, long call, long at, long ret, boolean unknown,
                           boolean applied) {
    }

    static History correct(RandomGenerator random, int operations, int processes, int keys, double infoRate) {
        List<Planned> plan = new ArrayList<>(operations);
        long[] free = new long[processes];
        for (int i = 0; i < operations; i++) {
            int p = random.nextInt(processes);
            long call = free[p] + random.nextLong(1, 200_000);
            long at = call + random.nextLong(1, 2_000_000);
            long ret = at + random.nextLong(1, 2_000_000);
            free[p] = ret;
            boolean unknown = random.nextDouble() < infoRate;
            plan.add(new Planned(p, random.nextBoolean() ? Op.ALLOCATE : Op.READ, "k" + random.nextInt(keys),
                    call, at, ret, unknown, !unknown || random.nextBoolean()));
        }
        // Apply in order of the points where operations take effect.
        List<Planned> byEffect = new ArrayList<>(plan);
        byEffect.sort(Comparator.comparingLong(Planned::at));
        Map<String, Long> state = new HashMap<>();
        Map<Planned, Long> results = new HashMap<>();
        long next = 1000;
        for (Planned o : byEffect) {
            if (o.f().equals(Op.ALLOCATE) && o.applied() && !state.containsKey(o.key())) {
                state.put(o.key(), next++);
            }
            results.put(o, state.get(o.key()));
        }
        record Line(long time, int order, Op op) {
        }
        List<Line> lines = new ArrayList<>();
        int order = 0;
        for (Planned o : plan) {
            lines.add(new Line(o.call(), order++, new Op(0, OpType.INVOKE, o.process(), o.f(), OpValue.ofKey(o.key()),
                    null, o.call())));
            Op done = o.unknown()
                    ? new Op(0, OpType.INFO, o.process(), o.f(), OpValue.ofKey(o.key()), "DEADLINE_EXCEEDED", o.ret())
                    : new Op(0, OpType.OK, o.process(), o.f(), new OpValue(o.key(), results.get(o), null, null), null,
                            o.ret());
            lines.add(new Line(o.ret(), order++, done));
        }
        lines.sort(Comparator.comparingLong(Line::time).thenComparingInt(Line::order));
        return History.renumbered(lines.stream().map(Line::op).toList());
    }
}
