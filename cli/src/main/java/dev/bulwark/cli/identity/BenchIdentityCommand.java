package dev.bulwark.cli.identity;

import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.Json;
import dev.bulwark.cli.OutputOptions;
import dev.bulwark.cli.Table;
import dev.bulwark.identity.bench.IdentityBenchmark;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bulwark bench identity}: Bulwark's allocator against Cilium's kvstore protocol on etcd, same run. */
@Command(name = "identity", description = {
        "New identities/s, lookups/s and p50/p99 of (a) Bulwark, 3 Ratis replicas on loopback, and (b) Cilium's kvstore",
        "allocation protocol (lock, read, create-only master key, per-node key on a lease, unlock) on a real 3-member",
        "etcd (the `etcd` binary, Debian etcd-server) on loopback; same workload, warm-up first (Bulwark's on throwaway",
        "clusters until the JIT is quiet). ratio = ours / baseline.",
        "Clients are spread over 10 nodes. Bulwark: one client per node, which coalesces its concurrent Allocate calls",
        "into one RPC; lookups from each node's watch-fed IdentityView behind a shared linearizable revision read.",
        "Baseline: one lock per label set (no batch form); each lookup one linearizable etcd read (no cache)."})
public final class BenchIdentityCommand implements Callable<Integer> {

    @Mixin
    OutputOptions output;

    @Option(names = "--label-sets", defaultValue = "5000", description = "new distinct label sets per system (default ${DEFAULT-VALUE})")
    int labelSets;

    @Option(names = "--clients", defaultValue = "64", description = "concurrent closed-loop clients (default ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--warmup", defaultValue = "10000", description = "label sets of each Bulwark warm-up round (rounds on "
            + "throwaway clusters until the JIT is quiet), and the baseline's warm-up (at most 20 s) (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--warmup-seconds", defaultValue = "120", description = "longest Bulwark warm-up; it ends earlier once a "
            + "round's JIT compile time is at most 1 % of the round (default ${DEFAULT-VALUE})")
    int warmupSeconds;

    @Option(names = "--lookup-seconds", defaultValue = "5", description = "seconds of lookups of existing sets (default ${DEFAULT-VALUE})")
    int lookupSeconds;

    @Option(names = "--sets-per-call", defaultValue = "1", description = "label sets per Allocate call for Bulwark "
            + "(1 = one pod at a time; the baseline protocol is always one set at a time) (default ${DEFAULT-VALUE})")
    int setsPerCall;

    @Option(names = "--no-baseline", description = "skip the etcd baseline")
    boolean noBaseline;

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("bulwark-bench-identity");
        try {
            IdentityBenchmark.Config config;
            try {
                config = new IdentityBenchmark.Config(labelSets, clients, warmup, Duration.ofSeconds(warmupSeconds),
                        Duration.ofSeconds(lookupSeconds), work, !noBaseline, setsPerCall);
            } catch (IllegalArgumentException e) {
                output.error(e.getMessage());
                return ExitCode.USAGE;
            }
            PrintWriter progress = output.json() ? new PrintWriter(new StringWriter()) : output.err();
            IdentityBenchmark.Result r = new IdentityBenchmark(config, progress).run();
            if (output.json()) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("benchmark", "identity");
                doc.put("label_sets", labelSets);
                doc.put("clients", clients);
                doc.put("warmup_sets", warmup);
                doc.put("sets_per_call", setsPerCall);
                doc.put("cpus", Runtime.getRuntime().availableProcessors());
                doc.put("bulwark", figures(r.bulwark()));
                doc.put("baseline", r.baseline() == null ? null : figures(r.baseline()));
                doc.put("ratio", r.ratio());
                Map<String, Object> rpcs = new LinkedHashMap<>();
                rpcs.put("lookups_per_second", r.bulwarkLookupRpcs().perSecond());
                rpcs.put("lookup_p50_ms", r.bulwarkLookupRpcs().p50Ms());
                rpcs.put("lookup_p99_ms", r.bulwarkLookupRpcs().p99Ms());
                doc.put("bulwark_lookup_rpcs", rpcs);
                Map<String, Object> warm = new LinkedHashMap<>();
                warm.put("rounds", r.bulwarkWarmUp().rounds());
                warm.put("seconds", r.bulwarkWarmUp().seconds());
                warm.put("jit_quiet", r.bulwarkWarmUp().jitQuiet());
                warm.put("allocation_jit_ms", r.bulwarkWarmUp().allocationJitMs());
                warm.put("lookup_jit_ms", r.bulwarkWarmUp().lookupJitMs());
                doc.put("bulwark_warmup", warm);
                Json.print(output.out(), doc);
            } else {
                Table t = new Table("SYSTEM", "NEW/S", "NEW P50 MS", "NEW P99 MS", "LOOKUPS/S", "LOOKUP P50 MS", "LOOKUP P99 MS", "ERRORS");
                row(t, r.bulwark());
                if (r.baseline() != null) {
                    row(t, r.baseline());
                }
                t.print(output.out());
                output.out().printf("ratio (new identities/s, ours / baseline): %.1f%n", r.ratio());
                output.out().printf("bulwark lookups as one Lookup RPC each (same run, no view): %.0f/s, p50 %.2f ms, p99 %.2f ms%n",
                        r.bulwarkLookupRpcs().perSecond(), r.bulwarkLookupRpcs().p50Ms(), r.bulwarkLookupRpcs().p99Ms());
                output.out().flush();
            }
            return r.bulwark().errors() == 0 ? ExitCode.OK : ExitCode.PROBLEM;
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void row(Table t, IdentityBenchmark.SystemResult s) {
        t.row(s.system(), String.format("%.0f", s.newPerSecond()), String.format("%.2f", s.newP50Ms()), String.format("%.2f", s.newP99Ms()),
                String.format("%.0f", s.lookupsPerSecond()), String.format("%.2f", s.lookupP50Ms()), String.format("%.2f", s.lookupP99Ms()), s.errors());
    }

    private static Map<String, Object> figures(IdentityBenchmark.SystemResult s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("system", s.system());
        m.put("new_identities", s.newIdentities());
        m.put("new_identities_per_second", s.newPerSecond());
        m.put("new_p50_ms", s.newP50Ms());
        m.put("new_p99_ms", s.newP99Ms());
        m.put("lookups", s.lookups());
        m.put("lookups_per_second", s.lookupsPerSecond());
        m.put("lookup_p50_ms", s.lookupP50Ms());
        m.put("lookup_p99_ms", s.lookupP99Ms());
        m.put("errors", s.errors());
        return m;
    }
}
