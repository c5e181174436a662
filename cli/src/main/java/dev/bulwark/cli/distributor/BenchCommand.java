package dev.bulwark.cli.distributor;

import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.Json;
import dev.bulwark.cli.OutputOptions;
import dev.bulwark.cli.Table;
import dev.bulwark.policy.distribution.bench.FanoutBenchmark;
import dev.bulwark.policy.distribution.bench.FanoutConfig;
import dev.bulwark.policy.distribution.bench.FanoutResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bulwark bench}: benchmarks (performance targets live here, never in tests). */
@Command(name = "bench", description = "Benchmarks; each prints its figures (--output json for one JSON object).",
        subcommands = {BenchCommand.Fanout.class, BenchCommand.PipelineLatency.class, dev.bulwark.cli.agent.BenchDatapathCommand.class, dev.bulwark.cli.identity.BenchIdentityCommand.class, dev.bulwark.cli.policy.BenchPolicyCommand.class, dev.bulwark.cli.mesh.BenchCaCommand.class})
public final class BenchCommand {

    @Command(name = "fanout", description = {
            "N simulated agents over real gRPC on loopback against one distributor: change->ACK latency,",
            "bytes to unaffected agents, delta vs full-state size, memory per agent, reconnect storm."})
    static final class Fanout implements Callable<Integer> {

        @Mixin
        OutputOptions output;

        @Option(names = "--agents", defaultValue = "1000", description = "simulated agents, one per node (default ${DEFAULT-VALUE})")
        int agents;

        @Option(names = "--pods", defaultValue = "1000", description = "endpoints spread over the nodes; every agent holds them all in its ipcache (default ${DEFAULT-VALUE})")
        int pods;

        @Option(names = "--rules", defaultValue = "20", description = "map entries per endpoint (default ${DEFAULT-VALUE})")
        int rules;

        @Option(names = "--changes", defaultValue = "200", description = "policy changes measured one after another (default ${DEFAULT-VALUE})")
        int changes;

        @Option(names = "--affected", defaultValue = "5", description = "endpoints one change modifies (default ${DEFAULT-VALUE})")
        int affected;

        @Option(names = "--connections", defaultValue = "64", description = "gRPC connections the agents share (default ${DEFAULT-VALUE})")
        int connections;

        @Option(names = "--seed", defaultValue = "1", description = "seed for the cluster and the changes (default ${DEFAULT-VALUE})")
        long seed;

        @Override
        public Integer call() throws Exception {
            FanoutConfig config;
            try {
                config = new FanoutConfig(agents, pods, rules, changes, affected, Math.min(connections, agents), seed);
            } catch (IllegalArgumentException e) {
                output.error(e.getMessage());
                return ExitCode.USAGE;
            }
            PrintWriter progress = output.json() ? new PrintWriter(new StringWriter()) : output.err();
            FanoutResult r = new FanoutBenchmark(config, progress).run();
            Map<String, Object> doc = document(r);
            if (output.json()) {
                Json.print(output.out(), doc);
            } else {
                Table t = new Table("MEASURE", "VALUE");
                doc.forEach((k, v) -> t.row(k, v instanceof Double d ? String.format("%.2f", d) : v));
                t.print(output.out());
                output.out().flush();
            }
            return ExitCode.OK;
        }

        static Map<String, Object> document(FanoutResult r) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("benchmark", "fanout");
            doc.put("agents", r.agents());
            doc.put("pods", r.pods());
            doc.put("connections", r.connections());
            doc.put("changes", r.changes());
            doc.put("affected_endpoints_per_change", r.affectedPerChange());
            doc.put("connect_all_ms", r.connectAllMs());
            doc.put("change_to_all_acked_p50_ms", r.changeToAllAckedP50Ms());
            doc.put("change_to_all_acked_p99_ms", r.changeToAllAckedP99Ms());
            doc.put("agent_ack_p50_ms", r.agentAckP50Ms());
            doc.put("agent_ack_p99_ms", r.agentAckP99Ms());
            doc.put("unaffected_agent_bytes", r.unaffectedBytes());
            doc.put("delta_bytes_avg", r.deltaBytesAvg());
            doc.put("full_state_bytes_avg", r.fullStateBytesAvg());
            doc.put("delta_to_full_ratio", r.fullStateBytesAvg() == 0 ? 0 : r.deltaBytesAvg() / r.fullStateBytesAvg());
            doc.put("ipcache_change_all_acked_ms", r.ipcacheChangeAllAckedMs());
            doc.put("ipcache_part_serializations", r.ipcacheBytesSerializations());
            doc.put("memory_per_agent_bytes", r.memoryPerAgentBytes());
            doc.put("storm_in_sync_ms", r.stormInSyncMs());
            doc.put("storm_resumed_percent", r.stormResumedPercent());
            doc.put("storm_full_states", r.stormFullStates());
            doc.put("jvm_max_heap_mib", Runtime.getRuntime().maxMemory() / (1024 * 1024));
            doc.put("cpus", Runtime.getRuntime().availableProcessors());
            return doc;
        }
    }

    @Command(name = "pipeline", description = {
            "End to end inside the distributor: policy object change -> incremental engine -> fan-out -> ACK of every",
            "affected simulated agent, with identities from a real 3-replica identity store started on loopback."})
    static final class PipelineLatency implements Callable<Integer> {

        @Mixin
        OutputOptions output;

        @Option(names = "--agents", defaultValue = "1000", description = "(default ${DEFAULT-VALUE})")
        int agents;

        @Option(names = "--pods", defaultValue = "1000", description = "(default ${DEFAULT-VALUE})")
        int pods;

        @Option(names = "--changes", defaultValue = "100", description = "(default ${DEFAULT-VALUE})")
        int changes;

        @Override
        public Integer call() throws Exception {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("bulwark-bench-identity");
            List<dev.bulwark.identity.server.IdentityAllocatorServer> replicas = new java.util.ArrayList<>();
            try {
                for (var c : dev.bulwark.identity.server.IdentityAllocatorConfig.loopbackCluster(3, dir, 1)) {
                    replicas.add(dev.bulwark.identity.server.IdentityAllocatorServer.start(c));
                }
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
                while (replicas.stream().noneMatch(dev.bulwark.identity.server.IdentityAllocatorServer::isLeader)) {
                    if (System.nanoTime() > deadline) {
                        output.error("the identity store elected no leader");
                        return ExitCode.UNAVAILABLE;
                    }
                    Thread.sleep(50);
                }
                PrintWriter progress = output.json() ? new PrintWriter(new StringWriter()) : output.err();
                try (var identity = new dev.bulwark.policy.distribution.pipeline.GrpcIdentitySource(
                        replicas.stream().map(dev.bulwark.identity.server.IdentityAllocatorServer::grpcAddress).toList(),
                        java.time.Duration.ofSeconds(10))) {
                    var r = new dev.bulwark.policy.distribution.bench.PipelineBenchmark(agents, pods, changes, identity, progress).run();
                    Map<String, Object> doc = new LinkedHashMap<>();
                    doc.put("benchmark", "pipeline");
                    doc.put("agents", r.agents());
                    doc.put("pods", r.pods());
                    doc.put("changes", r.changes());
                    doc.put("object_change_to_all_acked_p50_ms", r.p50Ms());
                    doc.put("object_change_to_all_acked_p99_ms", r.p99Ms());
                    doc.put("object_change_to_all_acked_max_ms", r.maxMs());
                    if (output.json()) {
                        Json.print(output.out(), doc);
                    } else {
                        Table t = new Table("MEASURE", "VALUE");
                        doc.forEach((k, v) -> t.row(k, v instanceof Double d ? String.format("%.2f", d) : v));
                        t.print(output.out());
                        output.out().flush();
                    }
                }
                return ExitCode.OK;
            } finally {
                for (var r : replicas) {
                    r.close();
                }
            }
        }
    }
}
