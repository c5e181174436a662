package dev.bulwark.identity.bench;

import dev.bulwark.identity.client.IdentityView;
import dev.bulwark.model.LabelSet;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * One side-by-side run. Workload, identical for both systems: a warm-up, then {@code labelSets} new
 * distinct label sets allocated by {@code clients} closed-loop clients spread over {@link #NODES} nodes,
 * {@code setsPerCall} label sets per call for Bulwark (1, the default, is the per-pod case; the baseline
 * is always one), then linearizable lookups of random existing sets for {@code lookupTime} (after
 * {@link #LOOKUP_WARMUP} of the same lookups). Each measured phase also reports where its CPU went
 * ({@link CpuUse}) and how long the JIT compiled during it.
 *
 * <p>Warm-up: Bulwark's runs the measured workload in rounds on throwaway clusters until the JIT is
 * quiet (or {@code warmupTime} has passed), then measures a fresh cluster; the baseline's allocates
 * {@code warmupSets} label sets (at most {@link #WARMUP_TIME_CAP}): its work is etcd's (Go, compiled
 * ahead of time) and this JVM only runs its HTTP client.
 *
 * <p>(a) Bulwark: 3 replicas in this JVM on loopback ({@link BulwarkCluster}); one IdentityClient per
 * node, shared by that node's clients, so concurrent calls of a node are coalesced into one RPC (and
 * concurrent RPCs into one log entry by group commit); lookups through each node's {@link IdentityView}. (b) Cilium's kvstore
 * protocol ({@link CiliumKvstoreAllocator}) against a real 3-member etcd on loopback, clients spread
 * over the members as agents would be; one label set per lock (the protocol has no batch form); each
 * lookup is one linearizable etcd read (no cache: Cilium's agent cache is not linearizable). Both share
 * this machine's CPUs with the load generator.
 */
public final class IdentityBenchmark {

    /**
     * @param labelSets  new label sets measured per system
     * @param clients    concurrent closed-loop clients
     * @param warmupSets label sets per Bulwark warm-up round, and the baseline's warm-up (not counted)
     * @param warmupTime longest Bulwark warm-up (it ends earlier once the JIT is quiet)
     * @param lookupTime how long lookups of existing sets run
     * @param workDir    where replicas and etcd keep their data
     * @param baseline   run the etcd baseline too
     * @param setsPerCall label sets per Allocate call for Bulwark (1 = the per-pod case; the baseline
     *                    protocol has no batch form and always allocates one set at a time)
     */
    public record Config(int labelSets, int clients, int warmupSets, Duration warmupTime, Duration lookupTime, Path workDir,
                         boolean baseline, int setsPerCall) {
        public Config {
            if (setsPerCall < 1 || setsPerCall > 1000) {
                throw new IllegalArgumentException("setsPerCall: 1..1000, was " + setsPerCall);
            }
            // One cluster's range is 65,536 identities. Bulwark warms up on throwaway clusters; the baseline
            // warms up in the etcd it then measures.
            if (labelSets < 1 || labelSets > 60_000 || warmupSets > 60_000 || (baseline && labelSets + warmupSets > 60_000)) {
                throw new IllegalArgumentException("labelSets: 1..60000, and with the baseline at most 60000 including its warm-up"
                        + " (one cluster's range is 65,536), was " + labelSets + " (warm-up " + warmupSets + ")");
            }
            if (clients < 1 || clients > 4096) {
                throw new IllegalArgumentException("clients: 1..4096, was " + clients);
            }
            if (warmupSets < 0 || warmupTime == null || warmupTime.isNegative() || lookupTime == null || lookupTime.isNegative()
                    || workDir == null) {
                throw new IllegalArgumentException("warmupSets >= 0, warmupTime >= 0, lookupTime >= 0 and workDir are required");
            }
        }
    }

    /** Figures of one system. */
    public record SystemResult(String system, long newIdentities, double newPerSecond, double newP50Ms, double newP99Ms,
                               long lookups, double lookupsPerSecond, double lookupP50Ms, double lookupP99Ms, long errors) {
        static SystemResult of(String system, LoadPhase.Measured allocations, int setsPerCall, LoadPhase.Measured lookups) {
            return new SystemResult(system, allocations.ops() * setsPerCall, allocations.perSecond() * setsPerCall,
                    allocations.p50Ms(), allocations.p99Ms(),
                    lookups.ops(), lookups.perSecond(), lookups.p50Ms(), lookups.p99Ms(), allocations.errors() + lookups.errors());
        }
    }

    /** Lookups of one kind: rate and latency. */
    public record Lookups(double perSecond, double p50Ms, double p99Ms) {
        static Lookups of(LoadPhase.Measured m) {
            return new Lookups(m.perSecond(), m.p50Ms(), m.p99Ms());
        }
    }

    /**
     * Both systems; {@code ratio} = ours / baseline new identities per second (0 without a baseline);
     * {@code bulwarkLookupRpcs}: Bulwark's lookups as one Lookup RPC each (no view), measured in the same
     * run as the named baseline of the view's figures.
     */
    public record Result(Config config, SystemResult bulwark, SystemResult baseline, double ratio, Lookups bulwarkLookupRpcs,
                         WarmUpResult bulwarkWarmUp) {
    }

    /**
     * Bulwark's warm-up and the JIT's activity after it.
     *
     * @param jitQuiet        the warm-up ended because a round's JIT time was below {@link BulwarkWarmUp#QUIET_JIT_SHARE} (not at its cap)
     * @param allocationJitMs JIT compile time while the measured allocations ran
     * @param lookupJitMs     JIT compile time while the measured view lookups ran
     */
    public record WarmUpResult(int rounds, double seconds, boolean jitQuiet, long allocationJitMs, long lookupJitMs) {
    }

    private record BulwarkRun(SystemResult result, Lookups lookupRpcs, WarmUpResult warmUp) {
    }

    /** Nodes the clients are spread over (owners, and one IdentityClient each); the baseline uses as many. */
    static final int NODES = 10;
    /**
     * Longest allocation phase of one warm-up round (and the baseline's whole allocation warm-up).
     * Without enough warm-up the measured phase is largely the JIT compiling gRPC, Netty, Ratis and
     * protobuf: with a 20 s warm-up on the measured cluster the C2 compiler still took 20-30 % of the
     * process's CPU while allocations were measured (docs/benchmarks.md, 2026-12-06).
     */
    static final Duration WARMUP_TIME_CAP = Duration.ofSeconds(20);

    /** Lookups before each measured lookup phase (not counted), the same for every system. */
    static final Duration LOOKUP_WARMUP = Duration.ofSeconds(2);

    private final Config config;
    private final PrintWriter progress;
    /** This JVM's accumulated JIT compile time in milliseconds (0 when not reported). */
    private final LongSupplier jitMillis = IdentityBenchmark::jitMillis;
    /**
     * The measured label sets, built before any phase: parsing and validating labels costs the load
     * generator a few microseconds per operation, which at 100,000s of lookups per second would be a
     * large share of the CPU the systems under test share with it.
     */
    private final List<LabelSet> fresh;

    public IdentityBenchmark(Config config, PrintWriter progress) {
        this.config = config;
        this.progress = progress;
        List<LabelSet> sets = new ArrayList<>(config.labelSets());
        for (int i = 0; i < config.labelSets(); i++) {
            sets.add(labels("new", i));
        }
        this.fresh = List.copyOf(sets);
    }

    public Result run() throws Exception {
        BulwarkRun bulwark = runBulwark();
        SystemResult ours = bulwark.result();
        SystemResult theirs = config.baseline() ? runEtcd() : null;
        double ratio = theirs == null || theirs.newPerSecond() == 0 ? 0 : ours.newPerSecond() / theirs.newPerSecond();
        return new Result(config, ours, theirs, ratio, bulwark.lookupRpcs(), bulwark.warmUp());
    }

    private static long jitMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    private long lookupWarmup() {
        return config.lookupTime().isZero() ? 0 : LOOKUP_WARMUP.toNanos();
    }

    static LabelSet labels(String run, int i) {
        return LabelSet.parse(List.of("k8s:app=" + run + "-" + i, "k8s:io.kubernetes.pod.namespace=ns-" + (i % 50)));
    }

    private BulwarkRun runBulwark() throws Exception {
        BulwarkWarmUp.Done warm = new BulwarkWarmUp(config, progress, jitMillis).run();
        try (BulwarkCluster cluster = BulwarkCluster.start(config.workDir().resolve("bulwark"), Math.min(NODES, config.clients()))) {
            progress.println("bulwark: measured cluster up on " + cluster.addresses() + " (empty table)");
            progress.flush();
            long entriesBefore = cluster.appliedIndex();
            long jit0 = jitMillis.getAsLong();
            CpuUse allocStart = CpuUse.now();
            int k = config.setsPerCall();
            LoadPhase.Measured alloc = cluster.allocate(fresh, config.labelSets(), config.clients(), k, 0);
            CpuUse.Spent allocCpu = CpuUse.now().since(allocStart);
            long allocJit = jitMillis.getAsLong() - jit0;
            long entries = cluster.appliedIndex() - entriesBefore;
            progress.printf("bulwark: %d new identities in %.2f s (%d per call), %d Raft log entries (%.1f calls per entry)%n",
                    alloc.ops() * k, alloc.seconds(), k, entries, entries == 0 ? 0.0 : (double) alloc.ops() / entries);
            progress.println("bulwark: allocation CPU: " + allocCpu.describe(alloc.ops() * k, "new identity") + "; JIT compiling "
                    + allocJit + " ms");
            progress.flush();
            List<IdentityView> views = cluster.openViews();
            try {
                views.forEach(v -> v.idOf(fresh.getFirst()).orElseThrow());
                int existing = config.labelSets() / k * k;
                LoadPhase.Operation viewLookup = BulwarkCluster.viewLookups(views, fresh, existing);
                LoadPhase.run(config.clients(), -1, lookupWarmup(), viewLookup);
                long lookupJit0 = jitMillis.getAsLong();
                CpuUse lookupStart = CpuUse.now();
                LoadPhase.Measured lookups = LoadPhase.run(config.clients(), -1, config.lookupTime().toNanos(), viewLookup);
                CpuUse.Spent lookupCpu = CpuUse.now().since(lookupStart);
                long lookupJit = jitMillis.getAsLong() - lookupJit0;
                LoadPhase.Operation rpcLookup = cluster.rpcLookups(fresh, existing);
                LoadPhase.run(config.clients(), -1, lookupWarmup(), rpcLookup);
                LoadPhase.Measured rpcs = LoadPhase.run(config.clients(), -1, config.lookupTime().toNanos(), rpcLookup);
                progress.printf("bulwark: lookups through IdentityView %.0f/s, as one Lookup RPC each %.0f/s%n",
                        lookups.perSecond(), rpcs.perSecond());
                progress.println("bulwark: view lookup CPU: " + lookupCpu.describe(lookups.ops(), "lookup") + "; JIT compiling "
                        + lookupJit + " ms");
                progress.flush();
                return new BulwarkRun(SystemResult.of("bulwark (3 Ratis replicas; " + k + " set(s) per call, concurrent calls of a node "
                        + "coalesced by its client; lookups from a watch-fed view behind a shared linearizable revision read)", alloc, k, lookups),
                        Lookups.of(rpcs), new WarmUpResult(warm.rounds(), warm.seconds(), warm.jitQuiet(), allocJit, lookupJit));
            } finally {
                views.forEach(IdentityView::close);
            }
        }
    }

    private SystemResult runEtcd() throws IOException, InterruptedException {
        try (EtcdCluster etcd = new EtcdCluster(config.workDir().resolve("etcd"), 3)) {
            progress.println("baseline: 3-member etcd up on " + etcd.clientUrls() + "; warming up");
            progress.flush();
            Set<Integer> used = ConcurrentHashMap.newKeySet();
            List<CiliumKvstoreAllocator> agents = new ArrayList<>();
            for (int c = 0; c < config.clients(); c++) {
                EtcdGateway gw = new EtcdGateway(etcd.clientUrls().get(c % etcd.clientUrls().size()));
                agents.add(new CiliumKvstoreAllocator(gw, "node-" + (c % NODES), gw.grantLease(900), used));
            }
            LoadPhase.Measured warm = LoadPhase.run(config.clients(), config.warmupSets(), WARMUP_TIME_CAP.toNanos(),
                    (c, i) -> agents.get(c).allocate(labels("warm", i).canonical()));
            progress.printf("baseline: warm-up %d allocations in %.1f s (not counted)%n", warm.ops(), warm.seconds());
            progress.flush();
            CpuUse allocStart = CpuUse.now(etcd.processes());
            LoadPhase.Measured alloc = LoadPhase.run(config.clients(), config.labelSets(), 0,
                    (c, i) -> agents.get(c).allocate(fresh.get(i).canonical()));
            CpuUse.Spent allocCpu = CpuUse.now(etcd.processes()).since(allocStart);
            progress.printf("baseline: %d new identities in %.2f s%n", alloc.ops(), alloc.seconds());
            progress.println("baseline: allocation CPU (etcd and this JVM): " + allocCpu.describe(alloc.ops(), "new identity"));
            progress.flush();
            LoadPhase.Operation lookup = (c, i) ->
                    agents.get(c).lookup(fresh.get(ThreadLocalRandom.current().nextInt(config.labelSets())).canonical()).orElseThrow();
            LoadPhase.run(config.clients(), -1, lookupWarmup(), lookup);
            LoadPhase.Measured lookups = LoadPhase.run(config.clients(), -1, config.lookupTime().toNanos(), lookup);
            return SystemResult.of("cilium kvstore protocol on etcd 3.4 (3 members)", alloc, 1, lookups);
        }
    }
}
