package dev.bulwark.agent.server;

import dev.bulwark.agent.datapath.Reason;
import dev.bulwark.agent.sync.PolicyStreamClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bodies of {@code GET /v1/status} (JSON) and {@code GET /metrics} (Prometheus text), rendered from
 * snapshots (the stream client's status, the published endpoint registry and restore report), so any
 * thread may call them.
 */
final class StatusView {

    private StatusView() {
    }

    static JsonObject status(NodeAgentConfig config, PolicyStreamClient.Status s, AgentDatapath datapath,
                             AttachedEndpoints endpoints) {
        JsonObject identities = new JsonObject();
        endpoints.registry().records().stream().filter(r -> r.identity() != 0)
                .forEach(r -> identities.put(r.name(), Integer.toUnsignedLong(r.identity())));
        return new JsonObject().put("node", config.nodeName()).put("enforcing", datapath.enforcing())
                .put("version", s.version()).put("connected", s.connected()).put("acks", s.acks()).put("nacks", s.nacks())
                .put("reconnects", s.reconnects()).put("lastError", s.lastError())
                .put("endpoints", new JsonArray(endpoints.registry().names().stream().toList()))
                .put("identities", identities).put("restore", restore(config, endpoints));
    }

    /** What the start restored from the state directory, and whether the last write of it failed. */
    private static JsonObject restore(NodeAgentConfig config, AttachedEndpoints endpoints) {
        AttachedEndpoints.RestoreReport r = endpoints.report();
        return new JsonObject().put("stateDir", config.stateDir() == null ? null : config.stateDir().toString())
                .put("restored", new JsonArray(r.restored()))
                .put("dropped", new JsonObject(new TreeMap<String, Object>(r.dropped())))
                .put("failed", new JsonObject(new TreeMap<String, Object>(r.failed())))
                .put("unknownPins", new JsonArray(r.unknownPins().stream().toList()))
                .put("rejected", r.rejected()).put("stateError", endpoints.stateError());
    }

    static String metrics(PolicyStreamClient.Status s, AgentDatapath datapath) {
        StringBuilder b = new StringBuilder();
        b.append("# HELP bulwark_agent_policy_version Policy version applied and acknowledged.\n")
                .append("# TYPE bulwark_agent_policy_version gauge\nbulwark_agent_policy_version ").append(s.version()).append('\n')
                .append("# TYPE bulwark_agent_enforcing gauge\nbulwark_agent_enforcing ").append(datapath.enforcing() ? 1 : 0).append('\n')
                .append("# TYPE bulwark_agent_deltas_total counter\n")
                .append("bulwark_agent_deltas_total{result=\"ack\"} ").append(s.acks()).append('\n')
                .append("bulwark_agent_deltas_total{result=\"nack\"} ").append(s.nacks()).append('\n')
                .append("# TYPE bulwark_agent_stream_reconnects_total counter\nbulwark_agent_stream_reconnects_total ")
                .append(s.reconnects()).append('\n');
        if (datapath instanceof KernelNodeDatapath k) {
            b.append("# HELP bulwark_datapath_packets_total Packets by datapath reason (all CPUs).\n")
                    .append("# TYPE bulwark_datapath_packets_total counter\n");
            for (Map.Entry<Reason, Long> e : k.kernel().packetCounts().entrySet()) {
                b.append("bulwark_datapath_packets_total{reason=\"").append(e.getKey().name().toLowerCase(Locale.ROOT))
                        .append("\"} ").append(e.getValue()).append('\n');
            }
        }
        return b.toString();
    }
}
