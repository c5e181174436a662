package dev.bulwark.cli.agent;

import dev.bulwark.agent.bench.DatapathBenchmark;
import dev.bulwark.agent.scenario.KernelScenarioRunner;
import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.Json;
import dev.bulwark.cli.OutputOptions;
import dev.bulwark.cli.Table;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bulwark bench datapath}: map-update rates vs C/libbpf, delta latency, iperf3 with/without programs. */
@Command(name = "datapath", mixinStandardHelpOptions = true, description = {
        "Measure the eBPF datapath in one run (needs root, cc, libbpf-dev, iperf3):",
        "policy-map updates/s from Java vs a C/libbpf loop (single and batch), 1k-op delta apply latency,",
        "iperf3 over veth with no program, with our programs (200k policy + 60k ipcache), with iptables (10k rules)."})
public final class BenchDatapathCommand implements Callable<Integer> {

    @Mixin
    OutputOptions output;

    @Option(names = "--entries", defaultValue = "100000", description = "Map entries per update run. Default: ${DEFAULT-VALUE}.")
    int entries;

    @Option(names = "--seconds", defaultValue = "5", description = "iperf3 duration per configuration. Default: ${DEFAULT-VALUE}.")
    int seconds;

    @Override
    public Integer call() {
        var why = KernelScenarioRunner.unavailable();
        if (why.isPresent()) {
            output.error("the datapath benchmark needs the kernel datapath: " + why.get());
            return ExitCode.UNAVAILABLE;
        }
        DatapathBenchmark.Result r = new DatapathBenchmark(line -> {
            output.err().println("bench: " + line);
            output.err().flush();
        }).run(entries, seconds);
        if (output.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("entries", r.entries());
            doc.put("javaSingleUpdatesPerSecond", r.javaSingle());
            doc.put("cSingleUpdatesPerSecond", r.cSingle());
            doc.put("javaBatchUpdatesPerSecond", r.javaBatch());
            doc.put("cBatchUpdatesPerSecond", r.cBatch());
            doc.put("delta1kApplyMs", r.deltaApplyMs());
            doc.put("delta1kDiffMs", r.deltaDiffMs());
            doc.put("iperfNoProgramBitsPerSecond", r.iperfNoProgram());
            doc.put("iperfOurProgramBitsPerSecond", r.iperfOurs());
            doc.put("iperfIptablesBitsPerSecond", r.iperfIptables());
            doc.put("iptables", r.iptablesVariant());
            Json.print(output.out(), doc);
            return ExitCode.OK;
        }
        Table t = new Table("MEASURE", "OURS", "BASELINE", "RATIO");
        t.row("map updates/s, single (" + r.entries() + ")", fmt(r.javaSingle()), fmt(r.cSingle()) + " (C/libbpf)",
                pct(r.javaSingle() / r.cSingle()));
        t.row("map updates/s, batch (" + r.entries() + ")", fmt(r.javaBatch()), fmt(r.cBatch()) + " (C/libbpf)",
                pct(r.javaBatch() / r.cBatch()));
        t.row("1k-op delta: diff + apply", String.format("%.2f + %.2f ms", r.deltaDiffMs(), r.deltaApplyMs()), "", "");
        t.row("iperf3, our programs (200k+60k)", gbit(r.iperfOurs()), gbit(r.iperfNoProgram()) + " (no program)",
                pct(r.iperfOurs() / r.iperfNoProgram()));
        t.row("iperf3, iptables 10k rules", gbit(r.iperfIptables()), gbit(r.iperfNoProgram()) + " (no program)",
                pct(r.iperfIptables() / r.iperfNoProgram()));
        t.print(output.out());
        output.out().println("iptables: " + r.iptablesVariant());
        output.out().flush();
        return ExitCode.OK;
    }

    private static String fmt(double v) {
        return String.format("%.2f M", v / 1e6);
    }

    private static String gbit(double v) {
        return String.format("%.2f Gbit/s", v / 1e9);
    }

    private static String pct(double ratio) {
        return String.format("%.0f%%", ratio * 100);
    }
}
