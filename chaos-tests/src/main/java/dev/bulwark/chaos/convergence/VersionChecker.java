package dev.bulwark.chaos.convergence;

import dev.bulwark.chaos.checker.CheckResult;
import dev.bulwark.chaos.checker.Validity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * "Versions only grow" (docs/distribution.md) as the agents see it: within one agent instance, the
 * acknowledged version sampled during the run never goes down, whichever distributor replica the agent
 * streams from and whatever happens to it. A restarted agent starts again from 0 (a new instance, told
 * apart by the harness's start count). INVALID names the agent, both versions and when. Pure.
 */
public final class VersionChecker {

    public static final String NAME = "versions-monotonic";

    private VersionChecker() {
    }

    /**
     * One sample of an agent's acknowledged version.
     *
     * @param nanos      history time of the sample
     * @param generation the harness's start count of the agent process when sampled
     */
    public record Sample(long nanos, int generation, long version) {
    }

    /** Samples per agent, in the order taken. Thread-safe (the kubelet writes, the conductor reads at the end). */
    public static final class Samples {
        private final Map<String, List<Sample>> byAgent = new TreeMap<>();

        public synchronized void record(String agent, Sample s) {
            byAgent.computeIfAbsent(agent, k -> new ArrayList<>()).add(s);
        }

        public synchronized Map<String, List<Sample>> snapshot() {
            Map<String, List<Sample>> out = new TreeMap<>();
            byAgent.forEach((k, v) -> out.put(k, List.copyOf(v)));
            return out;
        }
    }

    public static CheckResult check(Map<String, List<Sample>> samples) {
        List<String> problems = new ArrayList<>();
        int count = 0;
        Map<String, Object> highest = new LinkedHashMap<>();
        for (Map.Entry<String, List<Sample>> e : new TreeMap<>(samples).entrySet()) {
            Sample prev = null;
            long max = 0;
            for (Sample s : e.getValue()) {
                count++;
                max = Math.max(max, s.version());
                if (prev != null && prev.generation() == s.generation() && s.version() < prev.version()) {
                    problems.add(String.format(java.util.Locale.ROOT,
                            "agent %s: acknowledged version %d at %.1f s, then %d at %.1f s without restarting", e.getKey(),
                            prev.version(), prev.nanos() / 1e9, s.version(), s.nanos() / 1e9));
                }
                prev = s;
            }
            highest.put(e.getKey(), max);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("samples", count);
        details.put("highest-version", highest);
        if (!problems.isEmpty()) {
            return new CheckResult(NAME, Validity.INVALID, problems.size() + " version regression(s)", problems, List.of(),
                    details);
        }
        if (count == 0) {
            return new CheckResult(NAME, Validity.UNKNOWN, "no agent version was sampled", List.of(), List.of(), details);
        }
        return new CheckResult(NAME, Validity.VALID, count + " samples; no agent's version went down", List.of(), List.of(),
                details);
    }
}
