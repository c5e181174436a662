package dev.bulwark.chaos.checker;

import dev.bulwark.chaos.history.History;
import dev.bulwark.chaos.history.Op;
import dev.bulwark.chaos.history.OpType;
import dev.bulwark.chaos.history.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Availability and latency statistics (Jepsen's {@code perf} and {@code stats}): counts of ok/fail/info
 * per function, latency percentiles of ok operations, throughput, and the longest stall between two
 * successful allocations (the write stall after a leader kill). Informational: always VALID.
 */
public final class PerformanceChecker implements Checker {

    @Override
    public String name() {
        return "performance";
    }

    @Override
    public CheckResult check(History history) {
        Map<String, Map<String, Object>> perF = new TreeMap<>();
        Map<String, List<Long>> latencies = new TreeMap<>();
        List<Long> allocationDone = new ArrayList<>();
        long ok = 0;
        for (Operation o : history.operations()) {
            Map<String, Object> counts = perF.computeIfAbsent(o.f(), f -> new LinkedHashMap<>());
            counts.merge(o.outcome().wire(), 1L, (a, b) -> (Long) a + (Long) b);
            if (o.outcome() == OpType.OK) {
                ok++;
                latencies.computeIfAbsent(o.f(), f -> new ArrayList<>()).add(o.latencyNanos());
                if (o.f().equals(Op.ALLOCATE)) {
                    allocationDone.add(o.completion().timeNanos());
                }
            }
        }
        for (Map.Entry<String, List<Long>> e : latencies.entrySet()) {
            long[] sorted = e.getValue().stream().mapToLong(Long::longValue).sorted().toArray();
            Map<String, Object> counts = perF.get(e.getKey());
            counts.put("p50-ms", millis(percentile(sorted, 0.50)));
            counts.put("p99-ms", millis(percentile(sorted, 0.99)));
            counts.put("max-ms", millis(sorted[sorted.length - 1]));
        }
        allocationDone.sort(null);
        long stall = 0;
        long stallAt = 0;
        for (int i = 1; i < allocationDone.size(); i++) {
            long gap = allocationDone.get(i) - allocationDone.get(i - 1);
            if (gap > stall) {
                stall = gap;
                stallAt = allocationDone.get(i - 1);
            }
        }
        long[] inOrder = stallsAfterKills(history, allocationDone);
        long[] afterKill = java.util.Arrays.stream(inOrder).filter(x -> x >= 0).sorted().toArray();
        double seconds = Math.max(history.endNanos(), 1) / 1e9;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("operations", perF);
        details.put("ok-per-second", Math.round(ok / seconds));
        details.put("longest-allocation-stall-ms", millis(stall));
        details.put("longest-allocation-stall-at-s", Math.round(stallAt / 1e7) / 100.0);
        details.put("nemesis-operations", history.nemesisOperations().size());
        details.put("kills", inOrder.length);
        details.put("kills-before-recovery", killsBeforeRecovery(history));
        if (afterKill.length > 0) {
            details.put("stall-after-kill-ms", java.util.Arrays.stream(inOrder).mapToObj(x -> x < 0 ? null : millis(x))
                    .toList());
            details.put("stall-after-kill-p50-ms", millis(percentile(afterKill, 0.5)));
            details.put("stall-after-kill-p99-ms", millis(percentile(afterKill, 0.99)));
            details.put("stall-after-kill-max-ms", millis(afterKill[afterKill.length - 1]));
        }
        return new CheckResult(name(), Validity.VALID, ok + " ok operations, " + details.get("ok-per-second")
                + " ok/s, longest allocation stall " + millis(stall) + " ms", List.of(), List.of(), details);
    }

    /**
     * For each successful kill, in order: time from the kill to the first allocation acknowledged after it
     * (the write stall the kill caused, Jepsen-style "recovery time"); -1 when no allocation followed.
     */
    static long[] stallsAfterKills(History history, List<Long> allocationDoneSorted) {
        List<Long> stalls = new ArrayList<>();
        for (Operation n : history.nemesisOperations()) {
            if (!n.f().equals("kill") || !n.isOk()) {
                continue;
            }
            long at = n.completion().timeNanos();
            int i = java.util.Collections.binarySearch(allocationDoneSorted, at);
            int next = i >= 0 ? i : -i - 1;
            stalls.add(next < allocationDoneSorted.size() ? allocationDoneSorted.get(next) - at : -1);
        }
        return stalls.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * Successful kills started although the wait before them ({@code await-recovery}) gave up: some
     * replica was not serving yet, so the kill may have left no quorum and its stall includes a restart.
     */
    static int killsBeforeRecovery(History history) {
        int count = 0;
        boolean recovered = true;
        for (Operation n : history.nemesisOperations()) {
            if (n.f().equals("await-recovery")) {
                recovered = n.isOk();
            } else if (n.f().equals("kill") && n.isOk() && !recovered) {
                count++;
            }
        }
        return count;
    }

    /** Nearest-rank percentile of a sorted array. */
    static long percentile(long[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double millis(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }
}
