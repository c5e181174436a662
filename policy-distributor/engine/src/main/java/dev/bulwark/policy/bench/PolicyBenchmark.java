package dev.bulwark.policy.bench;

import dev.bulwark.policy.api.Policy;
import dev.bulwark.policy.compile.EndpointPolicy;
import dev.bulwark.policy.compile.EngineConfig;
import dev.bulwark.policy.compile.PolicyDelta;
import dev.bulwark.policy.compile.PolicyEngine;
import dev.bulwark.policy.compile.Pod;
import dev.bulwark.policy.identity.SequentialIdentities;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The policy benchmark behind {@code bulwark bench policy}: full compile of a {@link BenchWorkload},
 * per-identity resolve against unrelated rules (subject index vs the full scan Cilium's resolve does,
 * measured in the same run), incremental deltas after a pod add and a label change (vs recompiling
 * every endpoint of the namespace, measured in the same run), entries and bytes per endpoint, and how
 * many policy groups (distinct compiled states) the endpoints share. The delta samples follow an
 * unmeasured warm-up of the same kinds of change ({@value #WARM_UP_ROUNDS_PER_SAMPLE} rounds per sample of a
 * pod add, its removal, a relabel and its reversal: 2,000 for the default 400 samples), so they
 * measure the steady state of a long-running engine.
 * Time comes from the injected nanosecond clock.
 */
public final class PolicyBenchmark {

    /** Unmeasured rounds (add, remove, relabel, relabel back) per delta sample, run before the samples. */
    static final int WARM_UP_ROUNDS_PER_SAMPLE = 5;

    /** Bytes per map entry in the datapath's layout: 12-byte LPM key + 12-byte value (as Cilium's). */
    public static final int ENTRY_BYTES = 24;

    private final BenchWorkload workload;
    private final int unrelatedRules;
    private final int deltaSamples;
    private final LongSupplier nanos;

    /**
     * Figures of one run; times in microseconds unless named otherwise.
     *
     * @param baselineResolveMeanMicros the same resolve by scanning every rule (Cilium's approach)
     * @param baselineDeltaP99Micros    recompiling every endpoint of the changed pod's namespace
     */
    public record Result(int identities, int policies, int rules, int endpoints, int policyGroups, long fullCompileMillis,
                         int unrelatedRules, int smallResolveEntries, double smallResolveMeanMicros, double smallResolveP99Micros,
                         double smallBaselineMeanMicros, int resolveEntries, double resolveMeanMicros, double resolveP99Micros,
                         double baselineResolveMeanMicros, double baselineResolveP99Micros,
                         double deltaP50Micros, double deltaP99Micros, double baselineDeltaP99Micros, int deltaSamples,
                         double deltaEndpointsMean, int deltaEndpointsMax,
                         double entriesMean, int entriesMax, double bytesMean, int bytesMax) {
    }

    public PolicyBenchmark(BenchWorkload workload, int unrelatedRules, int deltaSamples, LongSupplier nanos) {
        this.workload = workload;
        this.unrelatedRules = unrelatedRules;
        this.deltaSamples = deltaSamples;
        this.nanos = nanos;
    }

    public Result run() {
        SequentialIdentities ids = new SequentialIdentities();
        PolicyEngine engine = new PolicyEngine(EngineConfig.DEFAULT, ids);
        for (int n = 0; n < workload.namespaces(); n++) {
            engine.upsertNamespace(BenchWorkload.namespace(n), workload.namespaceLabels(n));
        }
        List<Pod> pods = workload.pods();
        pods.forEach(engine::upsertPod);
        List<Policy> policies = workload.policies();
        long start = nanos.getAsLong();
        engine.apply(policies, List.of());
        long compileMillis = (nanos.getAsLong() - start) / 1_000_000;
        int rules = policies.stream().mapToInt(p -> p.rules().size()).sum();

        double[] entries = entryStats(engine);
        int groups = engine.groupCount();
        engine.upsertNamespace(BenchWorkload.QUIET, Map.of());
        workload.quietPods().forEach(engine::upsertPod);
        engine.apply(workload.quietPolicies(), List.of());
        engine.apply(workload.unrelated(unrelatedRules), List.of());
        int small = engine.policyOf(BenchWorkload.QUIET + "/svc3").identity().value();
        double[][] smallResolve = resolve(engine, small, List.of());
        int app = Math.min(7, workload.appsPerNamespace() - 1);
        int busy = engine.policyOf(BenchWorkload.namespace(0) + "/app" + app).identity().value();
        double[][] resolve = resolve(engine, busy, workload.pod(0, app, "", "backend").ports());
        double[][] delta = deltas(engine);
        return new Result(workload.identities(), policies.size(), rules, engine.endpoints().size(), groups, compileMillis,
                unrelatedRules, engine.resolve(small, List.of()).entries().size(), mean(smallResolve[0]), p99(smallResolve[0]),
                mean(smallResolve[1]), engine.resolve(busy, List.of()).entries().size(), mean(resolve[0]), p99(resolve[0]), mean(resolve[1]), p99(resolve[1]),
                percentile(delta[0], 0.50), p99(delta[0]), p99(delta[1]), delta[0].length, mean(delta[2]), (int) max(delta[2]),
                entries[0], (int) entries[1], entries[0] * ENTRY_BYTES, (int) entries[1] * ENTRY_BYTES);
    }

    private static double[] entryStats(PolicyEngine engine) {
        long total = 0;
        int max = 0;
        for (String ep : engine.endpoints()) {
            int size = engine.policyOf(ep).installed().size();
            total += size;
            max = Math.max(max, size);
        }
        return new double[] {(double) total / engine.endpoints().size(), max};
    }

    /** [0] resolve through the subject index, [1] by full scan, of one identity. */
    private double[][] resolve(PolicyEngine engine, int id, List<dev.bulwark.policy.compile.NamedPort> ports) {
        int samples = 2_000;
        double[] indexed = new double[samples];
        double[] scanned = new double[samples / 10];
        for (int warm = 0; warm < 2_000; warm++) {
            engine.resolve(id, ports);
        }
        for (int warm = 0; warm < 50; warm++) {
            engine.resolveByScan(id, ports);
        }
        for (int i = 0; i < samples; i++) {
            long t = nanos.getAsLong();
            engine.resolve(id, ports);
            indexed[i] = (nanos.getAsLong() - t) / 1_000.0;
        }
        for (int i = 0; i < scanned.length; i++) {
            long t = nanos.getAsLong();
            engine.resolveByScan(id, ports);
            scanned[i] = (nanos.getAsLong() - t) / 1_000.0;
        }
        return new double[][] {indexed, scanned};
    }

    /** [0] incremental: alternately a new pod with a new identity, and a label change of an existing pod; [1] baseline. */
    private double[][] deltas(PolicyEngine engine) {
        // Warm-up, unmeasured: the same kinds of change as the samples, so the JIT has compiled every
        // delta path before they are measured (a long-running engine's steady state). Both kinds:
        // a pod added to and removed from every kind of namespace, and a pod relabelled and back (a
        // move between two groups, whose transition diff the adds never run). 200 rounds of adds
        // alone left a third of the relabels and most team=t0 adds above 1 ms CPU, running code the
        // JIT had not optimised yet (run 8 in docs/benchmarks.md). The cluster is left as it was.
        for (int i = 0; i < WARM_UP_ROUNDS_PER_SAMPLE * deltaSamples; i++) {
            int n = (i * 37 + 13) % workload.namespaces();
            int app = (i * 11) % workload.appsPerNamespace();
            Pod warm = workload.pod(n, app, "-warm" + i, "warm" + i);
            engine.upsertPod(warm);
            engine.removePod(warm.namespace(), warm.name());
            engine.upsertPod(workload.pod(n, app, "", "warm" + i));
            engine.upsertPod(workload.pod(n, app, "", BenchWorkload.tier(app)));
        }
        double[] incremental = new double[deltaSamples];
        double[] touched = new double[deltaSamples];
        List<Double> baseline = new ArrayList<>();
        for (int i = 0; i < deltaSamples; i++) {
            int n = (i * 37) % workload.namespaces();
            int app = (i * 11) % workload.appsPerNamespace();
            Pod pod = i % 2 == 0
                    ? workload.pod(n, app, "-new" + i, "canary" + i) // a fresh identity in namespace n
                    : workload.pod(n, app, "", "relabel" + i);       // the existing pod's labels change
            long t = nanos.getAsLong();
            PolicyDelta delta = engine.upsertPod(pod);
            incremental[i] = (nanos.getAsLong() - t) / 1_000.0;
            touched[i] = delta.endpointCount();
            if (i % 10 == 0) {
                baseline.add(recompileNamespace(engine, BenchWorkload.namespace(n)));
            }
        }
        return new double[][] {incremental, baseline.stream().mapToDouble(Double::doubleValue).toArray(), touched};
    }

    /** What an engine without per-identity slices does: recompile every endpoint of the namespace. */
    private double recompileNamespace(PolicyEngine engine, String namespace) {
        long t = nanos.getAsLong();
        int entries = 0;
        for (String ep : engine.endpoints()) {
            if (ep.startsWith(namespace + "/")) {
                EndpointPolicy p = engine.policyOf(ep);
                entries += engine.resolve(p.identity().value(), List.of()).entries().size();
            }
        }
        double micros = (nanos.getAsLong() - t) / 1_000.0;
        return entries >= 0 ? micros : -1;
    }

    private static double mean(double[] xs) {
        return Arrays.stream(xs).average().orElse(0);
    }

    private static double max(double[] xs) {
        return Arrays.stream(xs).max().orElse(0);
    }

    private static double p99(double[] xs) {
        return percentile(xs, 0.99);
    }

    private static double percentile(double[] xs, double q) {
        double[] sorted = xs.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
