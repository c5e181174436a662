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
 * <p>Thread model: its own thread, so a round over many nodes never holds up a recompute; what the
 * pipeline holds is read through {@code expected} and the results handed back through {@code lapsed}
 * and {@code eachRound}, both of which must only hand work to the pipeline thread.
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
            for (Map.Entry<String, Integer> node : expected.call().entrySet()) {
                IdentitySource.Lease lease = identities.keepAlive(node.getKey());
                Duration third = lease.ttl().dividedBy(3);
                if (third.toMillis() >= 1 && third.compareTo(next) < 0) {
                    next = third;
                }
                if (lease.references() < node.getValue()) {
                    LOG.warn("node {} references {} identities in the store, {} expected (its lease ran out); allocating them again",
                            node.getKey(), lease.references(), node.getValue());
                    lapsed.accept(node.getKey());
                }
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
