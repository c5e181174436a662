package dev.bulwark.policy.distribution.pipeline;

import dev.bulwark.model.LabelSet;
import dev.bulwark.policy.distribution.source.KubeObject;
import dev.bulwark.policy.distribution.state.ClusterChange;
import dev.bulwark.policy.distribution.state.ClusterState;
import dev.bulwark.policy.distribution.stream.Backoff;
import dev.bulwark.policy.distribution.stream.DistributionLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pods → security label sets → identities → compiled map state → {@link ClusterChange} → the loop.
 *
 * <p>Concurrency model: one pipeline thread. Object changes (from any source thread) schedule a
 * recompute after a short coalescing window, so a burst of events costs one recompute; the recompute
 * reads a snapshot of the {@link ObjectStore}. The diff against the previous desired state is what the
 * loop receives, so only agents whose view changed get anything, and a no-op relist publishes nothing.
 * When the identity service is unavailable, or a recompute or its publish fails in any other way, the
 * last state stays and the recompute is retried with backoff (and the failed change is diffed again).
 *
 * <p>Identity references ({@link IdentityReferences}): each node takes a reference on the label sets of its
 * pods, and only label sets a node does not hold yet are allocated. Once a state without a node's last
 * pod of a label set is published, that node's reference is released, so the store can free the
 * identity after its grace period. {@link LeaseRenewal} renews the nodes' leases on its own thread; a
 * node whose references the store dropped is forgotten here, so the next recompute allocates its label
 * sets again.
 */
public final class Pipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final IdentitySource identities;
    private final PolicyCompilation compilation;
    private final DistributionLoop loop;
    private final ProblemReporter reporter;
    private final Duration window;
    private final ObjectStore store;
    private final ScheduledExecutorService thread;
    private final Map<KubeObject.Key, String> reported = new HashMap<>();
    private ClusterState desired = ClusterState.EMPTY;
    /** What each node references, so a recompute allocates only what a node lacks (Allocate is a Raft write). */
    private final IdentityReferences references = new IdentityReferences();
    /** Per node, the label sets of its pods in the last computed state. Pipeline thread only. */
    private Map<String, List<LabelSet>> wanted = Map.of();
    /** The same in the last published state; null before the first publish (nothing is released before). */
    private Map<String, List<LabelSet>> published;
    /** Renews the nodes' leases on its own thread (longest wait between rounds: {@code leaseRenewal}). */
    private final LeaseRenewal renewal;
    /** Default for {@code leaseRenewal}: a third of the identity store's default lease TTL (60 s). */
    public static final Duration DEFAULT_LEASE_RENEWAL = Duration.ofSeconds(20);
    private boolean scheduled;
    private static final Backoff RETRY = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(5));
    /** The wait before the next retry of a failed recompute; null after a success. Pipeline thread only. */
    private Duration retry;
    /** Set once every source has delivered its initial objects; a compute after that is a complete state. */
    private volatile boolean sourcesSynced;
    private long recomputes;
    private CompletableFuture<Void> idle = CompletableFuture.completedFuture(null);

    public Pipeline(IdentitySource identities, PolicyCompilation compilation, DistributionLoop loop,
                    ProblemReporter reporter, Duration window) {
        this(identities, compilation, loop, reporter, window, DEFAULT_LEASE_RENEWAL);
    }

    public Pipeline(IdentitySource identities, PolicyCompilation compilation, DistributionLoop loop,
                    ProblemReporter reporter, Duration window, Duration leaseRenewal) {
        this.identities = identities;
        this.compilation = compilation;
        this.loop = loop;
        this.reporter = reporter;
        this.window = window;
        this.store = new ObjectStore(this::schedule);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "distribution-pipeline");
            t.setDaemon(true);
            return t;
        });
        this.renewal = new LeaseRenewal(identities, leaseRenewal,
                () -> CompletableFuture.supplyAsync(references::expectedByOwner, thread).get(30, TimeUnit.SECONDS),
                owner -> thread.execute(() -> {
                    references.forget(owner);
                    schedule();
                }),
                () -> thread.execute(this::releaseUnwanted));
    }

    /** The sink every source feeds. */
    public ObjectStore store() {
        return store;
    }

    /** Completes once no recompute is pending or running (for tests and {@code bulwark up}). */
    public synchronized CompletableFuture<Void> settled() {
        return idle;
    }

    public synchronized long recomputes() {
        return recomputes;
    }

    /**
     * Every source has delivered its initial list: the next successful compute is this replica's first
     * complete state, and the loop starts serving agents once it is published (see
     * {@link DistributionLoop#holdUntilServing}).
     */
    public void sourcesSynced() {
        sourcesSynced = true;
        schedule();
    }

    private synchronized void schedule() {
        if (!scheduled) {
            scheduled = true;
            if (idle.isDone()) {
                idle = new CompletableFuture<>();
            }
            thread.schedule(this::recompute, window.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void recompute() {
        synchronized (this) {
            scheduled = false;
        }
        boolean complete = sourcesSynced; // read before the snapshot: it then holds the initial objects
        try {
            Optional<ClusterState> next = compute(store.snapshot());
            if (next.isPresent()) {
                ClusterChange change = ClusterChange.between(desired, next.get());
                if (!change.isEmpty()) {
                    loop.publish(change).get(30, TimeUnit.SECONDS);
                }
                // Only now: after a failed or timed-out publish the next recompute diffs against what the
                // loop was last known to hold, so the change is sent again instead of being lost.
                desired = next.get();
                boolean first = published == null;
                published = wanted;
                if (first) {
                    releaseStale();
                }
                releaseUnwanted();
                retry = null;
                if (complete) {
                    loop.serve();
                }
            } else {
                retryLater("identities unavailable");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.error("pipeline recompute failed; the last distributed state stays", e);
            retryLater(e.toString());
        } finally {
            synchronized (this) {
                recomputes++;
                if (!scheduled) {
                    idle.complete(null);
                }
            }
        }
    }

    /**
     * Recomputes again after a delay (1 s, doubling to 5 s while it keeps failing) even if no object
     * changes: once the inputs are quiet nothing else would, and the agents would keep a stale state.
     */
    private void retryLater(String why) {
        Duration wait = retry == null ? RETRY.first() : retry;
        retry = RETRY.after(wait);
        LOG.info("recompute retried in {} ms ({})", wait.toMillis(), why);
        try {
            thread.schedule(this::schedule, wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            LOG.debug("pipeline stopped; no retry");
        }
    }

    /**
     * The desired state recomputed now from the current objects with the configured compilation, on the
     * pipeline thread (tests compare agents against it, using the full-rebuild {@link EngineCompilation});
     * empty when identities are unavailable.
     */
    public Optional<ClusterState> fullRecompute() {
        try {
            return CompletableFuture.supplyAsync(() -> compute(store.snapshot()), thread).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("recompute failed", e);
        }
    }

    /** The desired state for {@code objects}; empty when identities are unavailable. */
    Optional<ClusterState> compute(Map<KubeObject.Key, KubeObject> objects) {
        PodEndpoints.Extraction extraction = PodEndpoints.extract(objects);
        Map<String, List<LabelSet>> byOwner = new HashMap<>();
        extraction.endpoints().forEach(e -> byOwner.computeIfAbsent(e.nodeName(), n -> new ArrayList<>()).add(e.labels()));
        StoreCalls.Results<Map<LabelSet, Integer>> allocated;
        try {
            allocated = StoreCalls.each(references.missing(byOwner), StoreCalls.IN_FLIGHT, identities::identities);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        allocated.values().forEach(references::allocated);
        Optional<IdentitySource.IdentityUnavailableException> unavailable = allocated.unavailable();
        if (unavailable.isPresent()) {
            LOG.warn("identities unavailable ({}); keeping the last state and retrying", unavailable.get().getMessage());
            return Optional.empty();
        }
        wanted = byOwner;
        Map<LabelSet, Integer> ids = references.numbers();
        List<Workload> workloads = extraction.endpoints().stream().map(e -> new Workload(e.endpoint(), e.namespace(),
                e.name(), e.nodeName(), e.ips(), e.podLabels(), e.labels(), ids.get(e.labels()), e.namedPorts())).toList();
        List<KubeObject> policies = objects.values().stream().filter(o -> o.kind().isPolicy())
                .sorted(java.util.Comparator.comparing(o -> o.key().toString())).toList();
        PolicyCompilation.Compiled compiled = compilation.compile(policies, PodEndpoints.namespaceLabels(objects), workloads);
        Map<KubeObject.Key, String> problems = new HashMap<>(extraction.problems());
        problems.putAll(compiled.problems());
        report(problems);
        return Optional.of(DesiredState.of(objects, workloads, compiled));
    }

    private void report(Map<KubeObject.Key, String> problems) {
        problems.forEach((key, problem) -> {
            if (!problem.equals(reported.get(key))) {
                LOG.warn("{}: {} (this object changes nothing)", key, problem);
                store.rejected(key.toString(), problem);
                reporter.report(key, problem);
            }
        });
        reported.keySet().retainAll(problems.keySet());
        reported.putAll(problems);
    }

    /** The state most recently handed to the loop. */
    public ClusterState desired() {
        try {
            return CompletableFuture.supplyAsync(() -> desired, thread).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("pipeline thread did not answer", e);
        }
    }

    /**
     * Releases each node's references on label sets none of its pods has in the last published state, for
     * many nodes at once ({@link StoreCalls}: a namespace deleted across 500 nodes is 500 Releases). A
     * failure leaves them held: the next recompute or renewal retries.
     */
    private void releaseUnwanted() {
        if (published == null) {
            return;
        }
        Map<String, Map<LabelSet, Integer>> unwanted = references.unwanted(published);
        StoreCalls.Results<Integer> released;
        try {
            released = StoreCalls.each(unwanted, StoreCalls.IN_FLIGHT, (owner, sets) -> {
                identities.release(owner, sets.values());
                return sets.size();
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        released.values().keySet().forEach(owner -> references.released(owner, unwanted.get(owner).keySet()));
        released.failures().forEach((owner, e) -> LOG.warn("releasing {} identities of node {} failed ({}); retried later",
                unwanted.get(owner).size(), owner, e.getMessage()));
    }

    /**
     * Once, after the first publish: releases the references the store lists for this state's nodes that
     * none of their pods needs any more: those of pods deleted while no distributor was running (this
     * pipeline started knowing none). Another replica's fresher reference released here is taken again by
     * that replica's next renewal, within the grace period that keeps the number.
     */
    private void releaseStale() {
        Map<String, Set<Integer>> stale = new HashMap<>();
        try {
            identities.referencesOf(published.keySet()).forEach((owner, ids) -> {
                Set<Integer> unneeded = new TreeSet<>(ids);
                unneeded.removeAll(references.idsHeldBy(owner));
                if (!unneeded.isEmpty()) {
                    LOG.info("node {}: releasing {} identity references no pod of it needs (left from before this start)", owner, unneeded.size());
                    stale.put(owner, unneeded);
                }
            });
            StoreCalls.each(stale, StoreCalls.IN_FLIGHT, (owner, ids) -> {
                identities.release(owner, ids);
                return ids.size();
            }).failures().forEach((owner, e) -> LOG.warn("releasing node {}'s references left from before this start failed ({})",
                    owner, e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // Not retried: those references then lapse only with their node's lease.
            LOG.warn("releasing references left from before this start failed ({})", e.getMessage());
        }
    }

    @Override
    public void close() {
        renewal.close();
        thread.shutdownNow();
    }
}
