package dev.bulwark.chaos.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.chaos.checker.CheckResult;
import dev.bulwark.chaos.checker.Validity;
import dev.bulwark.chaos.db.HostCommand;
import dev.bulwark.chaos.db.ReplicaCommand;
import dev.bulwark.chaos.generator.FaultKind;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CI schedule: one short run per fault kind against three real replicas, each in its own network
 * namespace (wipe-and-rejoin uses the store's own Raft membership change). Every checker must say VALID
 * and every fault must have been injected. Long runs are done by
 * hand with {@code bulwark chaos run} (docs/chaos.md).
 */
class ChaosRunPrivilegedIT {

    @BeforeAll
    static void privileged() {
        String problem = HostCommand.privilegeProblem();
        if (problem != null) {
            System.out.println("ChaosRunPrivilegedIT skipped: " + problem);
        }
        assumeTrue(problem == null, problem);
    }

    @ParameterizedTest(name = "{0} under {1}")
    // "register, wipe" was out of the schedule from Nov 24 to Dec 5 2026 (reads on the leader stalled after
    // a rejoin in one CI run); read barriers are now bounded in RaftGateway (docs/chaos.md).
    @CsvSource({"register, partition", "watch, kill", "unique, pause", "register, wipe"})
    void shortRunIsValid(String workload, String fault, @TempDir Path dir) throws Exception {
        long seed = Long.getLong("bulwark.seed", System.nanoTime());
        System.out.println("chaos " + workload + "/" + fault + " seed " + seed + " (replay: -Dbulwark.seed=" + seed + ")");
        RunConfig cfg = new RunConfig(Workload.named(workload), Set.of(FaultKind.parse(fault)), Duration.ofSeconds(10),
                100, seed, 3, 8, Duration.ofSeconds(2), Duration.ofSeconds(2), 7001, dir, replicaMain(),
                Set.of());
        RunResult r = ChaosRun.run(cfg, RaftMembership::new);
        for (CheckResult c : r.verdict().results()) {
            System.out.println("  " + c.checker() + ": " + c.validity() + " " + c.summary() + " " + c.problems());
        }
        System.out.println("  counts " + r.counts() + ", report " + r.report());
        assertEquals(Validity.VALID, r.verdict().validity(), r.verdict().results().toString());
        assertTrue(r.counts().get("nemesis") >= 4, "faults injected and healed: " + r.counts());
        assertTrue(r.counts().get("ok") >= 30, "the store served the workload: " + r.counts());
        assertTrue(Files.readString(r.report()).contains("Verdict: VALID"));
    }

    private static ReplicaCommand replicaMain() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cp = new ArrayList<>();
        for (String p : System.getProperty("java.class.path").split(File.pathSeparator)) {
            cp.add(Path.of(p).toAbsolutePath().toString());
        }
        String classPath = String.join(File.pathSeparator, cp);
        return (node, address, peers, data, join) -> {
            List<String> peerList = new ArrayList<>();
            peers.forEach((n, ip) -> peerList.add(n + "=" + ip + ":7001"));
            List<String> cmd = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC",
                    "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-cp", classPath,
                    ReplicaMain.class.getName(), "--id", node, "--peers", String.join(",", peerList), "--data",
                    data.toString(), "--cluster-id", "1"));
            if (join) {
                cmd.add("--join");
            }
            return cmd;
        };
    }
}
