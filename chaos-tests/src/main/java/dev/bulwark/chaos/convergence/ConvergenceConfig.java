package dev.bulwark.chaos.convergence;

import dev.bulwark.chaos.generator.FaultKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One convergence run, validated on construction (messages name the option).
 *
 * @param time          length of the timed phases (warm-up, faults, heal, quiesce), as in the other workloads
 * @param rate          input changes (file writes and deletes) per second, 1..50
 * @param seed          seeds the inputs, the changes and the fault plan
 * @param agents        agents (nodes w1..), 2..3
 * @param faults        kill and/or pause (partition and wipe need namespaces or a membership change: not here)
 * @param faultInterval length of one fault window and of the quiet gap after it
 * @param basePort      first of the loopback ports used (base..base+33)
 * @param runDir        where the watched directory, logs, data, history and report go
 * @param launcher      the {@code bulwark} command: java, JVM options, class path, main class
 * @param settle        how long after quiesce starts the agents may take to converge
 * @param plan          explicit faults (a test's script); empty: a seeded plan over every process
 */
public record ConvergenceConfig(Duration time, int rate, long seed, int agents, Set<FaultKind> faults, Duration faultInterval,
                                int basePort, Path runDir, List<String> launcher, Duration settle, List<Fault> plan) {

    /**
     * One fault on one process.
     *
     * @param target a process: n1..n3 (allocators), d1, d2 (distributors), a1.. (agents)
     */
    public record Fault(FaultKind kind, String target, Duration start, Duration end) {
        public Fault {
            if (kind != FaultKind.KILL && kind != FaultKind.PAUSE) {
                throw new IllegalArgumentException("plan: only kill and pause, got " + kind.wire());
            }
            if (!target.matches("n[1-3]|d[12]|a[1-3]")) {
                throw new IllegalArgumentException("plan: target must be n1..n3, d1, d2 or a1..a3, got '" + target + "'");
            }
            if (start.isNegative() || end.compareTo(start) <= 0) {
                throw new IllegalArgumentException("plan: a fault must end after it starts, got " + start + ".." + end);
            }
        }
    }

    public ConvergenceConfig {
        faults = Set.copyOf(faults);
        launcher = List.copyOf(launcher);
        plan = List.copyOf(plan);
        if (time == null || time.toSeconds() < 5) {
            throw new IllegalArgumentException("time: at least 5s for the convergence workload, got " + time);
        }
        if (rate < 1 || rate > 50) {
            throw new IllegalArgumentException("rate: 1..50 input changes per second for the convergence workload, got " + rate);
        }
        if (agents < 2 || agents > 3) {
            throw new IllegalArgumentException("agents: 2..3, got " + agents);
        }
        for (FaultKind k : faults) {
            if (k != FaultKind.KILL && k != FaultKind.PAUSE) {
                throw new IllegalArgumentException("nemesis: the convergence workload injects kill and pause (processes on "
                        + "loopback, no namespaces), got " + k.wire());
            }
        }
        if (faultInterval == null || faultInterval.toMillis() < 100) {
            throw new IllegalArgumentException("fault-interval: at least 100ms, got " + faultInterval);
        }
        if (basePort < 1024 || basePort > 65_000) {
            throw new IllegalArgumentException("port: 1024..65000, got " + basePort);
        }
        if (launcher.isEmpty()) {
            throw new IllegalArgumentException("launcher: the bulwark command is required");
        }
        if (settle == null || settle.toSeconds() < 1) {
            throw new IllegalArgumentException("settle: at least 1s, got " + settle);
        }
        for (Fault f : plan) {
            if (f.target().startsWith("a") && Integer.parseInt(f.target().substring(1)) > agents) {
                throw new IllegalArgumentException("plan: no agent " + f.target() + " with " + agents + " agents");
            }
        }
    }
}
