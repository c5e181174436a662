package dev.bulwark.policy.bench;

import dev.bulwark.policy.api.Policy;
import dev.bulwark.policy.compile.EndpointPolicy;
import dev.bulwark.policy.compile.EngineConfig;
import dev.bulwark.policy.compile.PolicyDelta;
import dev.bulwark.policy.compile.PolicyEngine;
import dev.bulwark.policy.compile.Pod;
import dev.bulwark.policy.identity.SequentialIdentities;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The policy benchmark behind {@code bulwark bench policy}: full compile of a {@link BenchWorkload},
 * per-identity resolve against unrelated rules (subject index vs the full scan Cilium's resolve does,
 * measured in the same run), incremental deltas after a pod add and a label change (vs recompiling
 * every endpoint of the namespace, measured in the same run, after the deltas), entries and bytes per
 * endpoint, and how many policy groups (distinct compiled states) the endpoints share. The delta
 * samples follow an unmeasured warm-up of the same kinds of change ({@value #WARM_UP_ROUNDS_PER_SAMPLE}
 * rounds per sample of two pod adds where the samples add, the DNS pod among them, their removal, two
 * relabels and the reversal: 2,000 for the default 400 samples), which then goes on in blocks of
 * {@value #QUIET_BLOCK_ROUNDS} rounds until the JIT finished no compile during {@value #QUIET_BLOCKS}
 * blocks in a row (at most {@value #MAX_QUIET_BLOCKS} blocks), so the samples measure the steady state
 * of a long-running engine rather than the JIT finishing its work beside them.
 * Time comes from the injected nanosecond clock, the JIT's activity from the injected compile-time clock.
 */
public final class PolicyBenchmark {

    /** Unmeasured rounds ({@link #warmUpRound}) per delta sample, run before the samples. */
    static final int WARM_UP_ROUNDS_PER_SAMPLE = 5;

    /**
     * Warm-up rounds per block once the fixed rounds are done: in the default workload a block adds
     * pods to every namespace and the DNS pod once, so it runs every path the samples take.
     */
    static final int QUIET_BLOCK_ROUNDS = 100;

    /**
     * Blocks in a row without JIT compile time that end the warm-up. A compile's time counts when it
     * finishes, so a quiet block may hide one in progress: three blocks (~0.5 s on an idle machine)
     * outlast the longest compiles seen here.
     */
    static final int QUIET_BLOCKS = 3;

    /** At most this many blocks: a JIT that never settles must not hang the benchmark (the result says so). */
    static final int MAX_QUIET_BLOCKS = 30;

    /** Bytes per map entry in the datapath's layout: 12-byte LPM key + 12-byte value (as Cilium's). */
    public static final int ENTRY_BYTES = 24;

    private final BenchWorkload workload;
    private final int unrelatedRules;
    private final int deltaSamples;
    private final LongSupplier nanos;
    private final LongSupplier jitMillis;

    /**
     * Figures of one run; times in microseconds unless named otherwise.
     *
     * @param baselineResolveMeanMicros the same resolve by scanning every rule (Cilium's approach)
     * @param baselineDeltaP99Micros    recompiling every endpoint of the changed pod's namespace
     * @param warmUpRounds              unmeasured rounds ({@link #warmUpRound}) before the delta samples
     * @param jitQuiet                  whether the warm-up ended because the JIT was quiet (not at its cap)
     * @param samplesJitMillis          JIT compile time spent while the delta samples ran (0 in the steady state)
     */
    public record Result(int identities, int policies, int rules, int endpoints, int policyGroups, long fullCompileMillis,
                         int unrelatedRules, int smallResolveEntries, double smallResolveMeanMicros, double smallResolveP99Micros,
                         double smallBaselineMeanMicros, int resolveEntries, double resolveMeanMicros, double resolveP99Micros,
                         double baselineResolveMeanMicros, double baselineResolveP99Micros,
                         double deltaP50Micros, double deltaP99Micros, double baselineDeltaP99Micros, int deltaSamples,
                         double deltaEndpointsMean, int deltaEndpointsMax,
                         double entriesMean, int entriesMax, double bytesMean, int bytesMax,
                         int warmUpRounds, boolean jitQuiet, long samplesJitMillis) {
    }

    /** Measures with {@code nanos}; the warm-up watches this JVM's JIT ({@link CompilationMXBean}). */
    public PolicyBenchmark(BenchWorkload workload, int unrelatedRules, int deltaSamples, LongSupplier nanos) {
        this(workload, unrelatedRules, deltaSamples, nanos, PolicyBenchmark::jvmCompileMillis);
    }

    /**
     * @param jitMillis the JIT's total compile time in milliseconds, never decreasing; a constant ends the
     *                  warm-up after the fixed rounds and {@value #QUIET_BLOCKS} blocks
     */
    public PolicyBenchmark(BenchWorkload workload, int unrelatedRules, int deltaSamples, LongSupplier nanos, LongSupplier jitMillis) {
        this.workload = workload;
        this.unrelatedRules = unrelatedRules;
        this.deltaSamples = deltaSamples;
        this.nanos = nanos;
        this.jitMillis = jitMillis;
    }

    /** This JVM's accumulated JIT compile time; 0 when it has no JIT or does not report it. */
    private static long jvmCompileMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
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
        WarmUp warmUp = warmUp(engine);
        double[][] delta = deltas(engine);
        long samplesJit = (long) delta[3][0];
        return new Result(workload.identities(), policies.size(), rules, engine.endpoints().size(), groups, compileMillis,
                unrelatedRules, engine.resolve(small, List.of()).entries().size(), mean(smallResolve[0]), p99(smallResolve[0]),
                mean(smallResolve[1]), engine.resolve(busy, List.of()).entries().size(), mean(resolve[0]), p99(resolve[0]), mean(resolve[1]), p99(resolve[1]),
                percentile(delta[0], 0.50), p99(delta[0]), p99(delta[1]), delta[0].length, mean(delta[2]), (int) max(delta[2]),
                entries[0], (int) entries[1], entries[0] * ENTRY_BYTES, (int) entries[1] * ENTRY_BYTES,
                warmUp.rounds(), warmUp.jitQuiet(), samplesJit);
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

    private record WarmUp(int rounds, boolean jitQuiet) {
    }

    /**
     * Unmeasured changes of the kinds the samples make, so that the JIT has compiled every delta path
     * before they are measured (a long-running engine's steady state). 200 rounds of adds alone left a
     * third of the relabels and most team=t0 adds above 1 ms CPU, running code the JIT had not optimised
     * yet (run 8 in docs/benchmarks.md). After the fixed rounds the JIT was still compiling for seconds,
     * beside the samples: its compiler thread took the CPU from them (several ms of wall clock on
     * samples of 0.3 ms CPU), and the first DNS add deoptimised the delta builder, which then ran
     * unoptimised for the rest of the samples (run 10). So the adds include the DNS pod, and the
     * warm-up goes on until the JIT is quiet. The cluster is left as it was.
     */
    private WarmUp warmUp(PolicyEngine engine) {
        int round = 0;
        while (round < WARM_UP_ROUNDS_PER_SAMPLE * deltaSamples) {
            warmUpRound(engine, round++);
        }
        int quiet = 0;
        for (int block = 0; block < MAX_QUIET_BLOCKS && quiet < QUIET_BLOCKS; block++) {
            long before = jitMillis.getAsLong();
            for (int j = 0; j < QUIET_BLOCK_ROUNDS; j++) {
                warmUpRound(engine, round++);
            }
            quiet = jitMillis.getAsLong() == before ? quiet + 1 : 0;
        }
        return new WarmUp(round, quiet >= QUIET_BLOCKS);
    }

    /**
     * Two pods added where the {@code i}th sample adds one (so the DNS pod ns0/app0, whose add reaches
     * every endpoint, once per 100 rounds), each with an identity of its own, the second joining the
     * first one's group (as the samples' second add there does), and removed; an existing pod elsewhere
     * relabelled twice and back: a move between two groups (whose transition diff adds never run), a
     * new identity in the same group (the samples' second relabel of a pod), and a move back.
     */
    private void warmUpRound(PolicyEngine engine, int i) {
        int n = (i * 37) % workload.namespaces();
        int app = (i * 11) % workload.appsPerNamespace();
        Pod warm = workload.pod(n, app, "-warm" + i, "warm" + i);
        Pod replica = workload.pod(n, app, "-rewarm" + i, "rewarm" + i);
        engine.upsertPod(warm).endpointCount(); // read as the samples read it
        engine.upsertPod(replica).endpointCount();
        engine.removePod(replica.namespace(), replica.name());
        engine.removePod(warm.namespace(), warm.name());
        int m = (i * 37 + 13) % workload.namespaces();
        engine.upsertPod(workload.pod(m, app, "", "warm" + i));
        engine.upsertPod(workload.pod(m, app, "", "rewarm" + i));
        engine.upsertPod(workload.pod(m, app, "", BenchWorkload.tier(app)));
    }

    /**
     * [0] incremental: alternately a new pod with a new identity, and a label change of an existing pod;
     * [1] baseline; [2] endpoints changed; [3] the JIT's compile milliseconds while [0] was measured.
     */
    private double[][] deltas(PolicyEngine engine) {
        long jitBefore = jitMillis.getAsLong();
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
        }
        double jit = jitMillis.getAsLong() - jitBefore;
        // The baseline after the samples, not between them: its recompiles (~100 ms each) read every
        // endpoint's state, which made the JIT deoptimise code the deltas share while they were measured.
        for (int i = 0; i < deltaSamples; i += 10) {
            baseline.add(recompileNamespace(engine, BenchWorkload.namespace((i * 37) % workload.namespaces())));
        }
        return new double[][] {incremental, baseline.stream().mapToDouble(Double::doubleValue).toArray(), touched, {jit}};
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
