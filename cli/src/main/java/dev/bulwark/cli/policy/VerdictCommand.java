package dev.bulwark.cli.policy;

import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.Json;
import dev.bulwark.cli.OutputOptions;
import dev.bulwark.cli.Table;
import dev.bulwark.policy.compile.EngineConfig;
import dev.bulwark.policy.scenario.CompiledScenario;
import dev.bulwark.policy.scenario.Datapath;
import dev.bulwark.policy.scenario.ModelDatapath;
import dev.bulwark.policy.scenario.ProbeResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bulwark policy verdict FILE...}: decides every probe of each scenario and compares with its
 * expected verdict. Datapaths other than the built-in model one are found with {@link ServiceLoader}
 * ({@code META-INF/services/dev.bulwark.policy.scenario.Datapath}) and picked by name.
 */
@Command(name = "verdict", description = {
        "Decide every probe of each scenario file (shared/scenarios/README.md format) and compare with 'expect'.",
        "Prints a truth table per scenario and port (rows: sources, columns: destinations); '*' marks a mismatch.",
        "Exits 1 if any verdict differs from its expectation or any file is invalid."})
final class VerdictCommand implements Callable<Integer> {

    @Mixin
    OutputOptions output;

    @Option(names = "--datapath", defaultValue = "model", paramLabel = "NAME",
            description = "Which datapath decides the probes: model (PolicyLookup over the compiled maps) or one"
                    + " installed as a plug-in (e.g. kernel). Default: ${DEFAULT-VALUE}.")
    String datapathName = "model";

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Scenario files.")
    List<Path> files = new ArrayList<>();

    @Override
    public Integer call() {
        Datapath datapath = datapath(datapathName);
        if (datapath == null) {
            output.error("unknown datapath \"" + datapathName + "\" (available: " + String.join(", ", available()) + ")");
            return ExitCode.USAGE;
        }
        int status = ExitCode.OK;
        int probes = 0;
        int mismatches = 0;
        for (Path file : files) {
            CompiledScenario compiled;
            List<ProbeResult> results;
            try {
                compiled = ScenarioFiles.compile(file, EngineConfig.DEFAULT);
                results = datapath.evaluate(compiled);
            } catch (ScenarioFiles.Failure e) {
                output.error(e.getMessage());
                status = Math.max(status, e.io ? ExitCode.UNAVAILABLE : ExitCode.PROBLEM);
                continue;
            } catch (Datapath.DatapathUnavailableException e) {
                output.error("datapath " + datapath.name() + " unavailable: " + e.getMessage());
                return ExitCode.UNAVAILABLE;
            }
            int bad = (int) results.stream().filter(r -> !r.matches()).count();
            probes += results.size();
            mismatches += bad;
            if (bad > 0) {
                status = Math.max(status, ExitCode.PROBLEM);
            }
            if (output.json()) {
                printJson(compiled, file, results);
            } else {
                printTables(compiled, file, results, bad);
            }
        }
        if (!output.json()) {
            output.out().println(files.size() + " file(s), " + probes + " probe(s), " + mismatches + " mismatch(es)");
            output.out().flush();
        }
        return status;
    }

    private static Datapath datapath(String name) {
        if (name.equals("model")) {
            return new ModelDatapath();
        }
        for (Datapath d : ServiceLoader.load(Datapath.class)) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    private static List<String> available() {
        List<String> names = new ArrayList<>(List.of("model"));
        ServiceLoader.load(Datapath.class).forEach(d -> names.add(d.name()));
        return names;
    }

    private void printJson(CompiledScenario s, Path file, List<ProbeResult> results) {
        for (ProbeResult r : results) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("scenario", s.scenario().name());
            line.put("file", file.toString());
            line.put("from", r.probe().from());
            line.put("to", r.probe().to());
            line.put("port", r.probe().port());
            line.put("protocol", dev.bulwark.model.policy.Protocols.name(r.probe().protocol()));
            line.put("expect", r.probe().expect().text());
            line.put("verdict", r.verdict().text());
            Json.print(output.out(), line);
        }
    }

    private void printTables(CompiledScenario s, Path file, List<ProbeResult> results, int bad) {
        PrintWriter out = output.out();
        out.println("== " + s.scenario().name());
        out.println("   " + file + ": " + results.size() + " probes, " + (bad == 0 ? "all as expected" : bad + " MISMATCH(ES)"));
        Map<String, List<ProbeResult>> byPort = new LinkedHashMap<>();
        for (ProbeResult r : results) {
            byPort.computeIfAbsent(r.probe().portLabel(), k -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<String, List<ProbeResult>> e : byPort.entrySet()) {
            Set<String> seenFrom = new LinkedHashSet<>();
            Set<String> seenTo = new LinkedHashSet<>();
            e.getValue().forEach(r -> {
                seenFrom.add(r.probe().from());
                seenTo.add(r.probe().to());
            });
            Set<String> sources = inPodOrder(s, seenFrom);
            Set<String> destinations = inPodOrder(s, seenTo);
            List<String> header = new ArrayList<>();
            header.add(e.getKey());
            header.addAll(destinations);
            Table t = new Table(header.toArray(String[]::new));
            for (String src : sources) {
                List<Object> row = new ArrayList<>();
                row.add(src);
                for (String dst : destinations) {
                    row.add(cell(e.getValue(), src, dst));
                }
                t.row(row.toArray());
            }
            out.println();
            t.print(out);
        }
        if (bad > 0) {
            out.println();
            for (ProbeResult r : results) {
                if (!r.matches()) {
                    out.println("MISMATCH " + r.probe().from() + " -> " + r.probe().to() + " " + r.probe().portLabel()
                            + ": expected " + r.probe().expect().text() + ", got " + r.verdict().text());
                }
            }
        }
        out.println();
        out.flush();
    }

    /** Pods in the scenario's order first, then outside IPs in order of appearance. */
    private static Set<String> inPodOrder(CompiledScenario s, Set<String> ends) {
        Set<String> out = new LinkedHashSet<>();
        s.scenario().pods().forEach(p -> {
            if (ends.contains(p.key())) {
                out.add(p.key());
            }
        });
        out.addAll(ends);
        return out;
    }

    private static String cell(List<ProbeResult> results, String src, String dst) {
        for (ProbeResult r : results) {
            if (r.probe().from().equals(src) && r.probe().to().equals(dst)) {
                return r.verdict().text() + (r.matches() ? "" : "*");
            }
        }
        return "-";
    }
}
