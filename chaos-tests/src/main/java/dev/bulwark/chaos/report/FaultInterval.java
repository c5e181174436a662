package dev.bulwark.chaos.report;

import dev.bulwark.chaos.history.History;
import dev.bulwark.chaos.history.Op;
import dev.bulwark.chaos.history.OpType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A span of the run during which a fault was in effect, read back from the nemesis lines of a history:
 * from the invocation of a fault (start-partition, kill, pause, wipe) to the completion of its heal
 * (stop-partition, restart, resume, rejoin), or to the end of the run if it was never healed.
 */
public record FaultInterval(long startNanos, long endNanos, String what) {

    /** Fault-starting function to the function that heals it. */
    public static final Map<String, String> HEALED_BY = Map.of(
            "start-partition", "stop-partition", "kill", "restart", "pause", "resume", "wipe", "rejoin");

    private static final Set<String> HEALS = Set.copyOf(HEALED_BY.values());

    public static List<FaultInterval> of(History history) {
        List<FaultInterval> out = new ArrayList<>();
        Map<String, Op> open = new HashMap<>();
        for (Op op : history.ops()) {
            if (!op.isNemesis()) {
                continue;
            }
            if (op.type() == OpType.INVOKE && HEALED_BY.containsKey(op.f())) {
                open.putIfAbsent(HEALED_BY.get(op.f()), op);
            } else if (op.type() != OpType.INVOKE && HEALS.contains(op.f())) {
                Op start = open.remove(op.f());
                if (start != null) {
                    out.add(new FaultInterval(start.timeNanos(), op.timeNanos(), label(start)));
                }
            }
        }
        for (Op start : open.values()) {
            out.add(new FaultInterval(start.timeNanos(), history.endNanos(), label(start)));
        }
        out.sort((a, b) -> Long.compare(a.startNanos(), b.startNanos()));
        return out;
    }

    private static String label(Op start) {
        String d = start.value().detail();
        return d == null ? start.f() : start.f() + " " + d;
    }
}
