package dev.bulwark.cli.policy;

import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.Json;
import dev.bulwark.cli.OutputOptions;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.PolicyLookup;
import dev.bulwark.model.policy.Protocols;
import dev.bulwark.policy.compile.EndpointPolicy;
import dev.bulwark.policy.compile.EngineConfig;
import dev.bulwark.policy.scenario.CompiledScenario;
import dev.bulwark.policy.scenario.ModelDatapath;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bulwark policy trace}: one flow's verdict and why, side by side for egress and ingress. */
@Command(name = "trace", description = {
        "Decide one flow against a scenario file's cluster and policies, and explain it: which policy, rule and",
        "peer allowed it, which deny won, or that the endpoint is isolated and nothing matched."})
final class TraceCommand implements Callable<Integer> {

    @Mixin
    OutputOptions output;

    @Option(names = "--from", required = true, paramLabel = "SRC", description = "namespace/pod or an IP outside the cluster")
    String from;

    @Option(names = "--to", required = true, paramLabel = "DST", description = "namespace/pod or an IP outside the cluster")
    String to;

    @Option(names = "--port", required = true, paramLabel = "PORT/PROTO", description = "e.g. 80/TCP, 53/UDP (protocol defaults to TCP)")
    String port;

    @Parameters(paramLabel = "FILE", description = "A scenario file (its probes are not used).")
    Path file;

    @Override
    public Integer call() {
        int number;
        int protocol;
        try {
            String[] parts = port.split("/", 2);
            number = Integer.parseInt(parts[0]);
            protocol = Protocols.byName(parts.length > 1 ? parts[1] : "TCP");
            if (number < 1 || number > 65_535 || protocol == Protocols.ANY) {
                throw new IllegalArgumentException("port must be 1..65535 and protocol TCP, UDP or SCTP");
            }
        } catch (IllegalArgumentException e) {
            output.error("--port " + port + ": expected PORT/PROTOCOL such as 80/TCP (" + e.getMessage() + ")");
            return ExitCode.USAGE;
        }
        CompiledScenario s;
        try {
            s = ScenarioFiles.compile(file, EngineConfig.DEFAULT);
        } catch (ScenarioFiles.Failure e) {
            output.error(e.getMessage());
            return e.io ? ExitCode.UNAVAILABLE : ExitCode.PROBLEM;
        }
        for (String end : List.of(from, to)) {
            if (!s.endpoints().containsKey(end)) {
                try {
                    s.address(end);
                } catch (IllegalArgumentException e) {
                    output.error("\"" + end + "\" is neither a pod of " + file + " nor an IP address");
                    return ExitCode.PROBLEM;
                }
            }
        }
        ModelDatapath.FlowDecision d = ModelDatapath.decide(s, from, to, number, protocol);
        String flow = from + " -> " + to + " " + number + "/" + Protocols.name(protocol);
        if (output.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("from", from);
            doc.put("to", to);
            doc.put("port", number);
            doc.put("protocol", Protocols.name(protocol));
            doc.put("verdict", d.verdict().text());
            doc.put("sourceIdentity", Integer.toUnsignedString(d.sourceIdentity()));
            doc.put("destinationIdentity", Integer.toUnsignedString(d.destinationIdentity()));
            doc.put("egress", side(s.endpoints().get(from), d.egress(), Direction.EGRESS));
            doc.put("ingress", side(s.endpoints().get(to), d.ingress(), Direction.INGRESS));
            Json.print(output.out(), doc);
        } else {
            PrintWriter out = output.out();
            out.println(flow + ": " + d.verdict().text().toUpperCase(java.util.Locale.ROOT));
            out.println("  source identity " + Integer.toUnsignedString(d.sourceIdentity()) + ", destination identity "
                    + Integer.toUnsignedString(d.destinationIdentity()));
            out.println("  egress of " + from + ": " + explain(s.endpoints().get(from), d.egress(), Direction.EGRESS));
            out.println("  ingress of " + to + ": " + explain(s.endpoints().get(to), d.ingress(), Direction.INGRESS));
            out.flush();
        }
        return ExitCode.OK;
    }

    private static Map<String, Object> side(EndpointPolicy ep, PolicyLookup.Decision d, Direction dir) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (d == null) {
            m.put("policed", false);
            return m;
        }
        m.put("policed", true);
        m.put("allowed", d.allowed());
        m.put("reason", d.reason().name());
        m.put("key", d.key() == null ? null : d.key().toString());
        m.put("rule", d.entry() == null ? null : d.entry().ruleRef());
        m.put("proxyPort", d.proxyPort());
        m.put("authRequired", d.authRequired());
        m.put("isolatedBy", dir == Direction.INGRESS ? ep.ingressIsolatedBy() : ep.egressIsolatedBy());
        m.put("overflowed", ep.overflowed());
        return m;
    }

    static String explain(EndpointPolicy ep, PolicyLookup.Decision d, Direction dir) {
        if (d == null) {
            return "not policed (this end is outside the cluster)";
        }
        List<String> isolatedBy = dir == Direction.INGRESS ? ep.ingressIsolatedBy() : ep.egressIsolatedBy();
        String overflow = ep.overflowed() ? " [endpoint OVERFLOWED: " + ep.desiredEntries() + " entries desired]" : "";
        return switch (d.reason()) {
            case ALLOWED -> (isolatedBy.isEmpty() ? "allowed: not isolated, no policy selects it for " + dir.name().toLowerCase(java.util.Locale.ROOT)
                    : "allowed by " + d.entry().ruleRef()) + " (key " + d.key() + ")"
                    + (d.proxyPort() != 0 ? ", redirected to proxy port " + d.proxyPort() : "")
                    + (d.authRequired() ? ", mutual authentication required" : "") + overflow;
            case DENIED_BY_POLICY -> "denied by " + d.entry().ruleRef() + " (key " + d.key() + "); deny wins" + overflow;
            case NO_MATCH -> (isolatedBy.isEmpty() ? "no entry matched" : "isolated by " + String.join("; ", isolatedBy))
                    + ", and no rule allows this peer and port" + overflow;
        };
    }
}
