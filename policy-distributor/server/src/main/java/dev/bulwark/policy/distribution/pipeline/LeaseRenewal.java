package dev.bulwark.policy.distribution.pipeline;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the identity leases of the nodes the pipeline holds references for: one KeepAlive per node,
 * every third of the TTL the store grants (at most {@code maxInterval}), whether or not anything changes.
 * A node whose store-side references are fewer than the pipeline holds (its lease ran out while the store
 * was unreachable) is reported to {@code lapsed}, so that the pipeline allocates its label sets again
 * inside the grace period that keeps their numbers.
 *
 * <p>A round sends up to {@link StoreCalls#IN_FLIGHT} KeepAlives at once ({@link StoreCalls}: one at a
 * time, a round over 5,000 nodes would take about 25 s, longer than the 20 s between rounds, and the last
 * nodes' leases would run out first). One node's failed KeepAlive does not hold up the others'.
 *
 * <p>Thread model: its own thread, so a round over many nodes never holds up a recompute. The calls of
 * a round run on virtual threads ({@link StoreCalls#each}), and the round thread reads their results.
 * What the pipeline holds is read through {@code expected}, and the results are handed back through
 * {@code lapsed} and {@code eachRound}, both of which must only hand work to the pipeline thread.
 */
final class LeaseRenewal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseRenewal.class);

    private final IdentitySource identities;
    private final Duration maxInterval;
    private final Callable<Map<String, Integer>> expected;
    private final Consumer<String> lapsed;
    private final Runnable eachRound;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "identity-lease-renewal");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param expected  per node, the references the store should count (read on the pipeline thread)
     * @param lapsed    a node whose references the store dropped
     * @param eachRound run at the start of every round (the pipeline retries releases that failed)
     */
    LeaseRenewal(IdentitySource identities, Duration maxInterval, Callable<Map<String, Integer>> expected,
                 Consumer<String> lapsed, Runnable eachRound) {
        if (maxInterval == null || maxInterval.toMillis() < 1) {
            throw new IllegalArgumentException("leaseRenewal: must be at least 1ms, was " + maxInterval);
        }
        this.identities = identities;
        this.maxInterval = maxInterval;
        this.expected = expected;
        this.lapsed = lapsed;
        this.eachRound = eachRound;
        thread.schedule(this::round, maxInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void round() {
        Duration next = maxInterval;
        try {
            eachRound.run();
            Map<String, Integer> expectedReferences = expected.call();
            StoreCalls.Results<IdentitySource.Lease> leases = StoreCalls.each(expectedReferences, StoreCalls.IN_FLIGHT,
                    (node, references) -> identities.keepAlive(node));
            for (Map.Entry<String, IdentitySource.Lease> renewed : leases.values().entrySet()) {
                String node = renewed.getKey();
                IdentitySource.Lease lease = renewed.getValue();
                Duration third = lease.ttl().dividedBy(3);
                if (third.toMillis() >= 1 && third.compareTo(next) < 0) {
                    next = third;
                }
                if (lease.references() < expectedReferences.get(node)) {
                    LOG.warn("node {} references {} identities in the store, {} expected (its lease ran out); allocating them again",
                            node, lease.references(), expectedReferences.get(node));
                    lapsed.accept(node);
                }
            }
            if (!leases.failures().isEmpty()) {
                // Unreachable store: retried at the next round, well inside the TTL.
                LOG.warn("renewing the identity leases of {} of {} nodes failed ({}); retrying in {} ms",
                        leases.failures().size(), expectedReferences.size(),
                        leases.failures().values().iterator().next().getMessage(), next.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            // Unreachable store: retried at the next round, well inside the TTL.
            LOG.warn("renewing identity leases failed ({}); retrying in {} ms", e.getMessage(), next.toMillis());
        }
        try {
            thread.schedule(this::round, next.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            LOG.debug("stopped; no more renewals");
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
