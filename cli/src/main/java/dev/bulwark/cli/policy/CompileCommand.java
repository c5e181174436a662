package dev.bulwark.cli.policy;

import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.Json;
import dev.bulwark.cli.OutputOptions;
import dev.bulwark.cli.Table;
import dev.bulwark.model.Cidr;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.model.policy.PortPrefix;
import dev.bulwark.model.policy.Protocols;
import dev.bulwark.policy.compile.EndpointPolicy;
import dev.bulwark.policy.compile.EngineConfig;
import dev.bulwark.policy.scenario.CompiledScenario;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bulwark policy compile FILE}: the map state of every endpoint, and the ipcache. */
@Command(name = "compile", description = {
        "Compile a scenario file's cluster and policies and print each endpoint's policy-map entries",
        "(key: direction, remote identity (0 = any), protocol, port or port prefix; value: allow/deny, proxy, auth)",
        "with the rule behind each entry, then the ipcache (prefix -> identity)."})
final class CompileCommand implements Callable<Integer> {

    @Mixin
    OutputOptions output;

    @Option(names = "--entry-limit", defaultValue = "16384", paramLabel = "N",
            description = "Per-endpoint map entry limit. Default: ${DEFAULT-VALUE}.")
    int entryLimit = EngineConfig.DEFAULT_ENTRY_LIMIT;

    @Parameters(paramLabel = "FILE", description = "A scenario file.")
    Path file;

    @Override
    public Integer call() {
        CompiledScenario s;
        try {
            s = ScenarioFiles.compile(file, EngineConfig.DEFAULT.withEntryLimit(entryLimit));
        } catch (ScenarioFiles.Failure e) {
            output.error(e.getMessage());
            return e.io ? ExitCode.UNAVAILABLE : ExitCode.PROBLEM;
        } catch (IllegalArgumentException e) {
            output.error("--entry-limit: " + e.getMessage());
            return ExitCode.USAGE;
        }
        if (output.json()) {
            for (EndpointPolicy ep : s.endpoints().values()) {
                Json.print(output.out(), endpointJson(ep));
            }
            Map<String, Object> ipcache = new LinkedHashMap<>();
            Map<String, String> prefixes = new LinkedHashMap<>();
            s.ipcache().prefixes().forEach((c, id) -> prefixes.put(c.toString(), Integer.toUnsignedString(id)));
            ipcache.put("ipcache", prefixes);
            Json.print(output.out(), ipcache);
            return ExitCode.OK;
        }
        PrintWriter out = output.out();
        for (EndpointPolicy ep : s.endpoints().values()) {
            out.println(ep.endpoint() + "  identity " + ep.identity() + "  " + ep.installed().size() + " entries"
                    + (ep.overflowed() ? "  OVERFLOWED (" + ep.desiredEntries() + " desired, limit " + entryLimit + ")" : ""));
            Table t = new Table("DIRECTION", "IDENTITY", "PROTOCOL", "PORT", "VERDICT", "RULE");
            for (Map.Entry<PolicyKey, PolicyEntry> e : ep.installed().entries().entrySet()) {
                PolicyKey k = e.getKey();
                t.row(k.direction().name().toLowerCase(java.util.Locale.ROOT), Integer.toUnsignedString(k.remoteIdentity()),
                        Protocols.name(k.protocol()), ports(k), e.getValue(), e.getValue().ruleRef());
            }
            t.print(out);
            out.println();
        }
        Table t = new Table("PREFIX", "IDENTITY");
        for (Map.Entry<Cidr, Integer> e : s.ipcache().prefixes().entrySet()) {
            t.row(e.getKey(), Integer.toUnsignedString(e.getValue()));
        }
        t.row("(anything else)", "2 (world)");
        t.print(out);
        return ExitCode.OK;
    }

    static String ports(PolicyKey k) {
        if (k.protocol() == Protocols.ANY || k.portPrefixLength() == 0) {
            return "*";
        }
        PortPrefix p = new PortPrefix(k.port(), k.portPrefixLength());
        return p.first() == p.last() ? Integer.toString(p.first()) : p.first() + "-" + p.last();
    }

    private static Map<String, Object> endpointJson(EndpointPolicy ep) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("endpoint", ep.endpoint());
        doc.put("identity", ep.identity().toString());
        doc.put("overflowed", ep.overflowed());
        doc.put("desiredEntries", ep.desiredEntries());
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Map.Entry<PolicyKey, PolicyEntry> e : ep.installed().entries().entrySet()) {
            PolicyKey k = e.getKey();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("direction", k.direction().name().toLowerCase(java.util.Locale.ROOT));
            m.put("identity", Integer.toUnsignedString(k.remoteIdentity()));
            m.put("protocol", k.protocol());
            m.put("port", k.port());
            m.put("portPrefixLength", k.portPrefixLength());
            m.put("deny", e.getValue().deny());
            m.put("proxyPort", e.getValue().proxyPort());
            m.put("authRequired", e.getValue().authRequired());
            m.put("rule", e.getValue().ruleRef());
            entries.add(m);
        }
        doc.put("entries", entries);
        return doc;
    }
}
