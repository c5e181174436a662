package dev.bulwark.identity.bench;

import dev.bulwark.identity.client.IdentityView;
import dev.bulwark.model.LabelSet;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Bulwark's warm-up: the measured workload in rounds on throwaway clusters until the JIT is quiet, so
 * the measured (fresh) cluster runs compiled code; what a long-running allocator has.
 */
final class BulwarkWarmUp {

    /** A warm-up round whose JIT compile time is at most this share of its wall time ends the warm-up. */
    static final double QUIET_JIT_SHARE = 0.01;
    /** Label sets one throwaway warm-up cluster takes before the next round starts a new one. */
    static final int WARM_CLUSTER_SETS = 60_000;

    /** How it went: rounds, wall time, and whether it ended because the JIT was quiet (not at its cap). */
    record Done(int rounds, double seconds, boolean jitQuiet) {
    }

    private final IdentityBenchmark.Config config;
    private final PrintWriter progress;
    private final LongSupplier jitMillis;

    BulwarkWarmUp(IdentityBenchmark.Config config, PrintWriter progress, LongSupplier jitMillis) {
        this.config = config;
        this.progress = progress;
        this.jitMillis = jitMillis;
    }

    /**
     * Rounds of the measured workload on throwaway clusters until the JIT is quiet: each round allocates
     * {@code warmupSets} new sets as the measured phase does (at most {@link IdentityBenchmark#WARMUP_TIME_CAP}), then
     * looks them up through views and as RPCs ({@link IdentityBenchmark#LOOKUP_WARMUP} each). A round whose JIT compile
     * time was at most {@link #QUIET_JIT_SHARE} of its wall time ends the warm-up; so does
     * {@code warmupTime}. A cluster takes rounds until the next would pass {@link #WARM_CLUSTER_SETS}.
     */
    Done run() throws Exception {
        long start = System.nanoTime();
        long deadline = start + config.warmupTime().toNanos();
        int w = Math.max(config.setsPerCall(), config.warmupSets() / config.setsPerCall() * config.setsPerCall());
        BulwarkCluster cluster = null;
        int used = 0;
        int rounds = 0;
        boolean quiet = false;
        try {
            while (config.warmupSets() > 0 && System.nanoTime() < deadline && !quiet) {
                if (cluster == null || used + w > WARM_CLUSTER_SETS) {
                    if (cluster != null) {
                        cluster.close();
                    }
                    cluster = BulwarkCluster.start(config.workDir().resolve("bulwark-warm-" + rounds), Math.min(IdentityBenchmark.NODES, config.clients()));
                    used = 0;
                }
                List<LabelSet> sets = new ArrayList<>(w);
                for (int i = 0; i < w; i++) {
                    sets.add(IdentityBenchmark.labels("warm-" + rounds, i));
                }
                long jit0 = jitMillis.getAsLong();
                long t0 = System.nanoTime();
                LoadPhase.Measured alloc = cluster.allocate(sets, w, config.clients(), config.setsPerCall(), IdentityBenchmark.WARMUP_TIME_CAP.toNanos());
                used += w;
                int allocated = (int) alloc.ops() * config.setsPerCall();
                if (allocated > 0 && !config.lookupTime().isZero()) {
                    List<IdentityView> views = cluster.openViews();
                    try {
                        LoadPhase.run(config.clients(), -1, IdentityBenchmark.LOOKUP_WARMUP.toNanos(), BulwarkCluster.viewLookups(views, sets, allocated));
                    } finally {
                        views.forEach(IdentityView::close);
                    }
                    LoadPhase.run(config.clients(), -1, IdentityBenchmark.LOOKUP_WARMUP.toNanos() / 2, cluster.rpcLookups(sets, allocated));
                }
                rounds++;
                double wallMs = (System.nanoTime() - t0) / 1e6;
                long jit = jitMillis.getAsLong() - jit0;
                quiet = jit <= QUIET_JIT_SHARE * wallMs;
                progress.printf("bulwark: warm-up round %d: %d allocations in %.1f s, JIT compiling %d ms of the round's %.0f ms%s%n",
                        rounds, allocated, alloc.seconds(), jit, wallMs, quiet ? " (quiet: warm-up ends)" : "");
                progress.flush();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
        return new Done(rounds, (System.nanoTime() - start) / 1e9, quiet);
    }
}
