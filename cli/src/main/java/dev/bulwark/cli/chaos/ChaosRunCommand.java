package dev.bulwark.cli.chaos;

import dev.bulwark.chaos.db.HostCommand;
import dev.bulwark.chaos.db.ReplicaCommand;
import dev.bulwark.chaos.generator.FaultKind;
import dev.bulwark.chaos.generator.Targeting;
import dev.bulwark.chaos.workload.ChaosRun;
import dev.bulwark.chaos.workload.RunConfig;
import dev.bulwark.chaos.workload.RunResult;
import dev.bulwark.chaos.workload.Workload;
import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.identity.AllocatorCommand;
import dev.bulwark.cli.OutputOptions;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bulwark chaos run}: starts replicas as {@code bulwark allocator start} processes, each in its own
 * network namespace, runs a workload under faults, checks the history and writes the report. Needs root.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = {
        "Run a workload against real processes under faults, check the history, write a report.",
        "register, unique, watch: identity store replicas; needs root (network namespaces, iptables).",
        "convergence: allocator replicas, distributors and model-datapath agents on loopback (no root).",
        "Prints the verdict and where the report is."})
final class ChaosRunCommand implements Callable<Integer> {

    private static final int CLUSTER_ID = 1;
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    @Mixin
    OutputOptions output;

    @Option(names = "--nemesis", defaultValue = "partition,kill,pause", paramLabel = "F,F",
            description = "Faults: partition, kill, pause, wipe (wipe the data, rejoin by membership change), or none. Default: ${DEFAULT-VALUE}.")
    String nemesis;

    @Option(names = "--time", defaultValue = "60s", paramLabel = "DURATION",
            description = "Length of the timed phases, e.g. 60s, 5m. Default: ${DEFAULT-VALUE}.")
    String time;

    @Option(names = "--rate", defaultValue = "500", description = "Client operations per second. Default: ${DEFAULT-VALUE}.")
    int rate;

    @Option(names = "--seed", description = "Seed of the operation and fault plan. Default: random (printed).")
    Long seed;

    @Option(names = "--workload", defaultValue = "register",
            description = "register, unique, watch, or convergence (distributors and agents; docs/chaos.md). Default: ${DEFAULT-VALUE}.")
    String workload;

    @Option(names = "--replicas", defaultValue = "3", description = "Replicas, 3..7. Default: ${DEFAULT-VALUE}.")
    int replicas;

    @Option(names = "--processes", defaultValue = "10", description = "Concurrent client processes. Default: ${DEFAULT-VALUE}.")
    int processes;

    @Option(names = "--op-timeout", defaultValue = "2s", paramLabel = "DURATION",
            description = "Deadline of one client operation. Default: ${DEFAULT-VALUE}.")
    String opTimeout;

    @Option(names = "--fault-interval", defaultValue = "5s", paramLabel = "DURATION",
            description = "Length of one fault window and of the quiet gap after it. Default: ${DEFAULT-VALUE}.")
    String faultInterval;

    @Option(names = "--port", defaultValue = "7001",
            description = "gRPC port of each replica inside its namespace (Raft: port+1). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--leader-only",
            description = "Aim every kill, pause and partition at the current leader (leader-kill campaigns).")
    boolean leaderOnly;

    @Option(names = "--raft-log-level", defaultValue = "error", paramLabel = "LEVEL",
            description = {"Ratis log level in the replicas' logs: error, warn, info or debug (info shows each "
                    + "election, vote and leader change with its time). Default: ${DEFAULT-VALUE}."})
    String raftLogLevel;

    @Option(names = "--election-timeout", paramLabel = "MIN..MAX",
            description = {"The replicas' randomized Raft election timeout (`allocator start --election-timeout`). "
                    + "Default: the store's default."})
    String electionTimeout;

    @Option(names = "--no-leader-exit-watch", description = {"Start the replicas with `allocator start "
            + "--no-leader-exit-watch`: after a leader kill only the election timeout elects (for comparison)."})
    boolean noLeaderExitWatch;

    @Option(names = "--no-aot-cache", description = {"Start the replicas without an AOT cache (by default one is "
            + "trained before the run, so a killed replica restarts on about 40 %% less CPU)."})
    boolean noAotCache;

    /** The replicas' AOT cache once trained (set in call() before any replica starts). */
    private Optional<Path> aotCache = Optional.empty();

    @Option(names = "--dir", paramLabel = "DIR", description = "Run directory. Default: chaos-runs/<time>-<workload>.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        if (ConvergenceChaosRun.WORKLOAD.equalsIgnoreCase(workload.trim())) {
            return ConvergenceChaosRun.call(this); // processes on loopback, no namespaces: no root needed
        }
        RunConfig cfg;
        try {
            cfg = config();
        } catch (IllegalArgumentException e) {
            output.error(e.getMessage());
            return ExitCode.USAGE;
        }
        String problem = HostCommand.privilegeProblem();
        if (problem != null) {
            output.error("chaos run needs network namespaces: " + problem);
            return ExitCode.UNAVAILABLE;
        }
        if (!output.json()) {
            output.out().println("chaos run: workload " + cfg.workload().name() + ", seed " + cfg.seed() + ", dir "
                    + cfg.runDir());
            output.out().flush();
        }
        RunResult result;
        try {
            java.nio.file.Files.createDirectories(cfg.runDir());
            aotCache = noAotCache ? Optional.empty() : ReplicaAotCache.train(launcher(Optional.empty()), cfg.runDir());
            List<String> launcher = launcher(aotCache);
            result = ChaosRun.run(cfg, addresses -> new CliMembership(launcher, addresses, CLUSTER_ID));
        } catch (IllegalStateException e) {
            output.error(e.getMessage());
            return ExitCode.UNAVAILABLE;
        } finally {
            if (aotCache.isPresent()) {
                java.nio.file.Files.deleteIfExists(aotCache.get()); // 50 MB; a later run trains its own
            }
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("workload", cfg.workload().name());
        extra.put("seed", cfg.seed());
        extra.put("counts", result.counts());
        extra.put("history", result.history().toString());
        extra.put("check-ms", result.checkMillis());
        return ChaosCommand.print(output, result.verdict(), extra, result.report());
    }

    RunConfig config() {
        Workload w = Workload.named(workload);
        Set<FaultKind> faults = EnumSet.noneOf(FaultKind.class);
        if (!nemesis.trim().equalsIgnoreCase("none")) {
            for (String f : nemesis.split(",")) {
                faults.add(FaultKind.parse(f));
            }
        }
        long s = seed != null ? seed : System.nanoTime() ^ System.currentTimeMillis();
        Path runDir = dir != null ? dir : Path.of("chaos-runs", System.currentTimeMillis() / 1000 + "-" + w.name());
        if (!List.of("error", "warn", "info", "debug").contains(raftLogLevel)) {
            throw new IllegalArgumentException("--raft-log-level: one of error, warn, info, debug, got '" + raftLogLevel + "'");
        }
        if (electionTimeout != null) {
            AllocatorCommand.raftSettings(electionTimeout); // a bad range fails here, not in every replica
        }
        if (rate < 1 || rate > 100_000) {
            throw new IllegalArgumentException("--rate: 1..100000 operations per second, got " + rate);
        }
        return new RunConfig(w, faults, duration("--time", time), rate, s, replicas, processes,
                duration("--op-timeout", opTimeout), duration("--fault-interval", faultInterval), port,
                runDir.toAbsolutePath(), allocatorCommand(), leaderOnly ? Set.of(Targeting.LEADER) : Set.of());
    }

    static Duration duration(String option, String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(option + ": expected a number with ms, s, m or h (e.g. 60s), got '"
                    + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** {@code bulwark} in a fresh JVM on this JVM's class path, without an AOT cache. */
    static List<String> launcher() {
        return launcher(Optional.empty());
    }

    /**
     * {@code bulwark} in a fresh JVM on this JVM's class path (the replicas and membership changes), using
     * {@code aot} as its AOT cache when given.
     */
    static List<String> launcher(Optional<Path> aot) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC"));
        aot.ifPresent(a -> cmd.add("-XX:AOTCache=" + a));
        cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-cp",
                absoluteClassPath(), "dev.bulwark.cli.Bulwark"));
        return List.copyOf(cmd);
    }

    /** Replicas are {@code bulwark allocator start}, each on the same gRPC port inside its namespace. */
    ReplicaCommand allocatorCommand() {
        int grpcPort = port;
        return (node, address, peers, data, join) -> {
            List<String> launcher = new ArrayList<>(launcher(aotCache));
            // Timestamped lines (with the offset, as the harness's "=== chaos" start/kill markers have) so a
            // replica's elections can be lined up with the history; Ratis at the chosen level.
            launcher.addAll(1, List.of("-Dorg.slf4j.simpleLogger.showDateTime=true",
                    "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
                    "-Dorg.slf4j.simpleLogger.log.org.apache.ratis=" + raftLogLevel));
            List<String> peerList = new ArrayList<>();
            peers.forEach((n, ip) -> peerList.add(n + "=" + ip + ":" + grpcPort));
            List<String> cmd = new ArrayList<>(launcher);
            cmd.addAll(List.of("allocator", "start", "--id", node, "--peers", String.join(",", peerList),
                    "--data", data.toString(), "--cluster-id", Integer.toString(CLUSTER_ID)));
            // The store's default lease TTL (60 s) and grace period (5 min), on purpose: the checkers model a
            // write-once register, so a lease lapsing while the harness kept its owner alive (for example
            // across an election or a commit stall) shows up as a lost or changed identity.
            if (electionTimeout != null) {
                cmd.addAll(List.of("--election-timeout", electionTimeout));
            }
            if (noLeaderExitWatch) {
                cmd.add("--no-leader-exit-watch");
            }
            if (join) {
                cmd.add("--join");
            }
            return cmd;
        };
    }

    private static String absoluteClassPath() {
        List<String> parts = new ArrayList<>();
        for (String p : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!p.isBlank()) {
                parts.add(Path.of(p).toAbsolutePath().toString());
            }
        }
        return String.join(File.pathSeparator, parts);
    }
}
