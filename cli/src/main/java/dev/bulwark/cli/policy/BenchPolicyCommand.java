package dev.bulwark.cli.policy;

import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.Json;
import dev.bulwark.cli.OutputOptions;
import dev.bulwark.cli.Table;
import dev.bulwark.policy.bench.BenchWorkload;
import dev.bulwark.policy.bench.PolicyBenchmark;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bulwark bench policy} (register this class in the {@code bench} group; also reachable as
 * {@code bulwark policy bench}): the policy engine's benchmark, every figure next to its same-run baseline.
 */
@Command(name = "policy", description = {
        "Policy engine benchmark: full compile of N identities x M policies, per-identity resolve against unrelated",
        "rules (subject index vs full scan), incremental delta after a pod add / label change (vs recompiling the",
        "namespace), map entries and bytes per endpoint."})
public class BenchPolicyCommand implements Callable<Integer> {

    @Mixin
    OutputOptions output;

    @Option(names = "--namespaces", defaultValue = "100", description = "namespaces (default ${DEFAULT-VALUE})")
    int namespaces;

    @Option(names = "--apps", defaultValue = "100", description = "apps (identities) per namespace (default ${DEFAULT-VALUE})")
    int apps;

    @Option(names = "--policies-per-namespace", defaultValue = "20", description = "policies per namespace (default ${DEFAULT-VALUE})")
    int policies;

    @Option(names = "--unrelated-rules", defaultValue = "20000", description = "rules selecting nothing, added before the resolve measurement (default ${DEFAULT-VALUE})")
    int unrelated;

    @Option(names = "--delta-samples", defaultValue = "400", description = "pod adds / label changes measured (default ${DEFAULT-VALUE})")
    int samples;

    @Override
    public Integer call() {
        BenchWorkload workload;
        try {
            workload = new BenchWorkload(namespaces, apps, policies);
        } catch (IllegalArgumentException e) {
            output.error(e.getMessage());
            return ExitCode.USAGE;
        }
        PolicyBenchmark.Result r = new PolicyBenchmark(workload, unrelated, samples, System::nanoTime).run();
        if (output.json()) {
            Json.print(output.out(), r);
            return ExitCode.OK;
        }
        PrintWriter out = output.out();
        out.printf("%d identities, %d policies (%d rules), %d endpoints in %d policy groups; %d unrelated rules; %d delta samples%n",
                r.identities(), r.policies(), r.rules(), r.endpoints(), r.policyGroups(), r.unrelatedRules(), r.deltaSamples());
        Table t = new Table("MEASURE", "BULWARK", "BASELINE", "RATIO", "TARGET");
        t.row("full compile", r.fullCompileMillis() + " ms", "-", "-", "-");
        t.row("resolve, small policy (" + r.smallResolveEntries() + " entries), mean", fmt(r.smallResolveMeanMicros()) + " us",
                fmt(r.smallBaselineMeanMicros()) + " us (full scan)", ratio(r.smallBaselineMeanMicros(), r.smallResolveMeanMicros()), "< 50 us");
        t.row("resolve, small policy, p99", fmt(r.smallResolveP99Micros()) + " us", "-", "-", "");
        t.row("resolve, workload endpoint (" + r.resolveEntries() + " entries), mean", fmt(r.resolveMeanMicros()) + " us", fmt(r.baselineResolveMeanMicros()) + " us (full scan)",
                ratio(r.baselineResolveMeanMicros(), r.resolveMeanMicros()), "");
        t.row("resolve, workload endpoint, p99", fmt(r.resolveP99Micros()) + " us", fmt(r.baselineResolveP99Micros()) + " us (full scan)",
                ratio(r.baselineResolveP99Micros(), r.resolveP99Micros()), "");
        t.row("delta after pod add/relabel, p50", fmt(r.deltaP50Micros()) + " us", "-", "-", "");
        t.row("delta after pod add/relabel, p99", fmt(r.deltaP99Micros()) + " us", fmt(r.baselineDeltaP99Micros()) + " us (recompile namespace)",
                ratio(r.baselineDeltaP99Micros(), r.deltaP99Micros()), "< 1000 us");
        t.row("endpoints changed per delta, mean / max", fmt(r.deltaEndpointsMean()) + " / " + r.deltaEndpointsMax(), "-", "-", "");
        t.row("entries per endpoint, mean / max", fmt(r.entriesMean()) + " / " + r.entriesMax(), "-", "-", "<= 16384");
        t.row("bytes per endpoint, mean / max", fmt(r.bytesMean()) + " / " + r.bytesMax(), "-", "-", "24 B per entry");
        t.print(out);
        return ExitCode.OK;
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.1f", v);
    }

    private static String ratio(double baseline, double ours) {
        return ours <= 0 ? "-" : String.format(java.util.Locale.ROOT, "%.0fx faster", baseline / ours);
    }

    /** The same benchmark under {@code bulwark policy bench}. */
    @Command(name = "bench", description = "Policy engine benchmark (same as bulwark bench policy).")
    static final class InPolicyGroup extends BenchPolicyCommand {
    }
}
