package dev.bulwark.identity.server;

import dev.bulwark.identity.IdentityChange;
import dev.bulwark.identity.Outcome;
import dev.bulwark.identity.Transition;
import dev.bulwark.identity.raft.ApplyObserver;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Prometheus metrics of one replica, fed by the state machine on every applied entry:
 * {@code bulwark_identity_identities} (in use), {@code bulwark_identity_allocations_total} (rate() gives
 * allocations/s), {@code bulwark_identity_releases_total}, {@code bulwark_identity_apply_seconds} (time to
 * apply one entry), {@code bulwark_identity_entry_commands} (group-commit batch size) and
 * {@code bulwark_identity_leader_changes_total}, and {@code bulwark_identity_early_elections_total} (elections
 * this replica stood for because the leader's process was gone, {@link LeaderExitWatch}). Each replica has its own registry (no global state).
 */
final class AllocatorMetrics implements ApplyObserver {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Gauge identities = Gauge.builder().name("bulwark_identity_identities")
            .help("Identities currently allocated (excluding reserved and pinned)").register(registry);
    private final Counter allocations = Counter.builder().name("bulwark_identity_allocations")
            .help("Identities created").register(registry);
    private final Counter releases = Counter.builder().name("bulwark_identity_releases")
            .help("Identities released after their grace period").register(registry);
    private final Histogram applySeconds = Histogram.builder().name("bulwark_identity_apply_seconds")
            .help("Time to apply one log entry to the identity table")
            .classicExponentialUpperBounds(0.00001, 2, 18).register(registry);
    private final Histogram entryCommands = Histogram.builder().name("bulwark_identity_entry_commands")
            .help("Commands group-committed in one log entry")
            .classicExponentialUpperBounds(1, 2, 14).register(registry);
    private final Counter leaderChanges = Counter.builder().name("bulwark_identity_leader_changes")
            .help("Leader changes seen by this replica").register(registry);

    private final Counter earlyElections = Counter.builder().name("bulwark_identity_early_elections")
            .help("Elections this replica stood for at once because the leader's Raft port refused connections")
            .register(registry);

    PrometheusRegistry registry() {
        return registry;
    }

    @Override
    public void applied(Transition t, long applyNanos) {
        identities.set(t.table().size());
        applySeconds.observe(applyNanos / 1e9);
        entryCommands.observe(t.outcomes().size());
        long created = 0;
        for (Outcome o : t.outcomes()) {
            if (o instanceof Outcome.Allocated a) {
                created += a.allocations().stream().filter(Outcome.Allocation::created).count();
            }
        }
        allocations.inc(created);
        releases.inc(t.changes().stream().filter(c -> c.type() == IdentityChange.Type.RELEASED).count());
    }

    void stoodEarly() {
        earlyElections.inc();
    }

    long earlyElections() {
        return (long) earlyElections.get();
    }

    @Override
    public void leaderChanged(String leaderId) {
        leaderChanges.inc();
    }
}
