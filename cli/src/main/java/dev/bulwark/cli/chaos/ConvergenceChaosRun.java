package dev.bulwark.cli.chaos;

import dev.bulwark.chaos.convergence.ConvergenceConfig;
import dev.bulwark.chaos.convergence.ConvergenceRun;
import dev.bulwark.chaos.generator.FaultKind;
import dev.bulwark.chaos.workload.RunResult;
import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.OutputOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code bulwark chaos run --workload convergence}: three allocator replicas, two clustered distributors
 * watching a directory and three model-datapath agents, all {@code bulwark} processes on loopback (no root
 * needed); input changes under kill/pause faults, then every agent's version and map state is checked
 * against an independent compile of the final inputs.
 */
final class ConvergenceChaosRun {

    static final String WORKLOAD = "convergence";
    /** The command's default nemesis includes partition, which needs namespaces: this workload then uses kill,pause. */
    private static final String DEFAULT_NEMESIS = "partition,kill,pause";

    private ConvergenceChaosRun() {
    }

    static int call(ChaosRunCommand c) throws Exception {
        OutputOptions output = c.output;
        ConvergenceConfig cfg;
        try {
            cfg = config(c);
        } catch (IllegalArgumentException e) {
            output.error(e.getMessage());
            return ExitCode.USAGE;
        }
        if (!output.json()) {
            output.out().println("chaos run: workload convergence, seed " + cfg.seed() + ", dir " + cfg.runDir());
            output.out().flush();
        }
        RunResult result;
        try {
            result = ConvergenceRun.run(cfg);
        } catch (IllegalStateException e) {
            output.error(e.getMessage());
            return ExitCode.UNAVAILABLE;
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("workload", WORKLOAD);
        extra.put("seed", cfg.seed());
        extra.put("counts", result.counts());
        extra.put("history", result.history().toString());
        extra.put("check-ms", result.checkMillis());
        return ChaosCommand.print(output, result.verdict(), extra, result.report());
    }

    /**
     * The CLI's launcher with C1 only: seven JVMs start at once and start-up dominates on small machines; the
     * run checks correctness, not peak throughput.
     */
    static List<String> launcher() {
        List<String> l = new java.util.ArrayList<>(ChaosRunCommand.launcher());
        l.add(1, "-XX:TieredStopAtLevel=1");
        return l;
    }

    static ConvergenceConfig config(ChaosRunCommand c) {
        Set<FaultKind> faults = EnumSet.noneOf(FaultKind.class);
        String nemesis = c.nemesis.trim().equalsIgnoreCase(DEFAULT_NEMESIS) ? "kill,pause" : c.nemesis;
        if (!nemesis.trim().equalsIgnoreCase("none")) {
            for (String f : nemesis.split(",")) {
                faults.add(FaultKind.parse(f));
            }
        }
        long seed = c.seed != null ? c.seed : System.nanoTime() ^ System.currentTimeMillis();
        Path runDir = c.dir != null ? c.dir : Path.of("chaos-runs", System.currentTimeMillis() / 1000 + "-" + WORKLOAD);
        // --rate is operations per second for the store workloads; here it is input changes, capped at 50.
        int rate = c.rate == 500 ? 5 : c.rate;
        return new ConvergenceConfig(ChaosRunCommand.duration("--time", c.time), rate, seed, 3, faults,
                ChaosRunCommand.duration("--fault-interval", c.faultInterval), c.port, runDir.toAbsolutePath(),
                launcher(), Duration.ofSeconds(60), List.of());
    }
}
