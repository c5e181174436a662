package dev.bulwark.cli.distributor;

import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.Json;
import dev.bulwark.cli.OutputOptions;
import dev.bulwark.cli.Table;
import dev.bulwark.proto.policy.v1.AgentState;
import dev.bulwark.proto.policy.v1.PolicyDistributionGrpc;
import dev.bulwark.proto.policy.v1.ReplicaState;
import dev.bulwark.proto.policy.v1.StatusRequest;
import dev.bulwark.proto.policy.v1.StatusResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bulwark status}: a distributor replica's view of replicas, agents, versions, lag and NACKs. */
@Command(name = "status", description = "Replicas, agents, versions, lag and NACKs, as a distributor replica sees them.")
public final class StatusCommand implements Callable<Integer> {

    /** The port {@code bulwark distributor start} and {@code bulwark up} listen on by default. */
    public static final int DEFAULT_PORT = 7443;

    @Mixin
    OutputOptions output;

    @Option(names = "--distributor", defaultValue = "127.0.0.1:" + DEFAULT_PORT,
            description = "host:port of a distributor replica (default ${DEFAULT-VALUE})")
    String target;

    @Override
    public Integer call() throws Exception {
        String[] hp = target.split(":");
        if (hp.length != 2 || !hp[1].matches("\\d{1,5}")) {
            output.error("--distributor: must be host:port, got \"" + target + "\"");
            return ExitCode.USAGE;
        }
        ManagedChannel channel = NettyChannelBuilder.forAddress(hp[0], Integer.parseInt(hp[1])).usePlaintext().build();
        try {
            StatusResponse s = PolicyDistributionGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .status(StatusRequest.newBuilder().setIncludeAgents(true).build());
            print(s);
            return s.getAgentsList().stream().anyMatch(a -> !a.getLastNack().isEmpty()) ? ExitCode.PROBLEM : ExitCode.OK;
        } catch (StatusRuntimeException e) {
            output.error("distributor " + target + ": " + e.getStatus().getCode() + " "
                    + (e.getStatus().getDescription() == null ? "" : e.getStatus().getDescription()));
            return ExitCode.UNAVAILABLE;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private void print(StatusResponse s) {
        if (output.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("replica", s.getReplicaId());
            doc.put("revision", s.getRevision());
            doc.put("oldest_revision", s.getOldestRevision());
            List<Map<String, Object>> replicas = new ArrayList<>();
            for (ReplicaState r : s.getReplicasList()) {
                replicas.add(new LinkedHashMap<>(Map.of("replica", r.getReplicaId(), "address", r.getAddress(),
                        "revision", r.getRevision(), "agents", r.getAgents())));
            }
            doc.put("replicas", replicas);
            List<Map<String, Object>> agents = new ArrayList<>();
            for (AgentState a : s.getAgentsList()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("node", a.getNodeName());
                m.put("agent", a.getAgentInstanceId());
                m.put("acked_version", a.getAckedVersion());
                m.put("current_version", a.getCurrentVersion());
                m.put("lag_revisions", a.getLagRevisions());
                m.put("inflight_ms", a.getInflightMs());
                m.put("resumed", a.getResumed());
                m.put("nacks", a.getNacks());
                m.put("last_nack", a.getLastNack());
                agents.add(m);
            }
            doc.put("agents", agents);
            Json.print(output.out(), doc);
            return;
        }
        var out = output.out();
        out.printf("replica %s  revision %d  (agents can resume from revision %d)%n%n", s.getReplicaId(), s.getRevision(),
                s.getOldestRevision());
        if (s.getReplicasCount() > 0) {
            Table replicas = new Table("REPLICA", "ADDRESS", "REVISION", "AGENTS");
            s.getReplicasList().forEach(r -> replicas.row(r.getReplicaId(), r.getAddress(), r.getRevision(), r.getAgents()));
            replicas.print(out);
            out.println();
        }
        Table agents = new Table("NODE", "AGENT", "ACKED", "CURRENT", "LAG", "INFLIGHT_MS", "RESUMED", "NACKS", "LAST NACK");
        s.getAgentsList().forEach(a -> agents.row(a.getNodeName(), a.getAgentInstanceId(), a.getAckedVersion(),
                a.getCurrentVersion(), a.getLagRevisions(), a.getInflightMs(), a.getResumed(), a.getNacks(), a.getLastNack()));
        agents.print(out);
        out.flush();
    }
}
