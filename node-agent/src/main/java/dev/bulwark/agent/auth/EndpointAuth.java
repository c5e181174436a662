package dev.bulwark.agent.auth;

import dev.bulwark.agent.datapath.AuthMap;
import dev.bulwark.agent.sync.NodePolicyState;
import dev.bulwark.mesh.bundle.BundleSource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * An agent's endpoint authentication, composed: the handshake listener and client over the datapath's
 * auth map, the SVIDs of the node's identities, and pre-authentication run after every applied policy
 * state and every {@code period} (renewal, retries of unreachable peers, collection of expired entries).
 *
 * A datapath drop for want of authentication ({@link #onAuthRequiredDrop}) queues a run too, as Cilium's
 * signal does: it retries pairs whose handshake failed or whose peer moved since the last pass.
 *
 * <p>Threads: {@link #onState} and {@link #onAuthRequiredDrop} only record and queue a run (at most one
 * queued at a time, so a burst of drops costs one pass); runs execute one at a time on one scheduler
 * thread (their handshakes concurrently on virtual threads); the listener has its own.
 */
public final class EndpointAuth implements AutoCloseable {

    private final EndpointAuthConfig config;
    private final IdentitySvids svids;
    private final AuthHandshake handshake;
    private final PreAuthentication pre;
    private final Consumer<String> log;
    private final AtomicReference<NodePolicyState> state = new AtomicReference<>(NodePolicyState.EMPTY);
    private final AtomicReference<AuthDemand> demand = new AtomicReference<>(AuthDemand.NONE);
    private final AtomicBoolean queued = new AtomicBoolean();
    private final ScheduledExecutorService runs =
            Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("endpoint-auth").unstarted(r));

    public EndpointAuth(EndpointAuthConfig config, IdentitySvids.Issuer issuer, BundleSource bundles, AuthMap auth,
                        InstantSource clock, Consumer<String> log) {
        this.config = config;
        this.log = log;
        this.svids = new IdentitySvids(issuer, clock);
        this.handshake = new AuthHandshake(config.trustDomains(), svids, bundles, auth, demand::get, clock, config.timeout());
        this.pre = new PreAuthentication(handshake, svids, auth, node -> Optional.of(config.peer(node)), clock,
                config.renewBefore());
    }

    /** Starts the listener and the periodic runs; returns the listener's address. */
    public InetSocketAddress start() throws IOException {
        InetSocketAddress at = handshake.listen(config.listen());
        long period = config.period().toMillis();
        runs.scheduleWithFixedDelay(this::runOnce, period, period, TimeUnit.MILLISECONDS);
        return at;
    }

    /** The policy state just applied: its demand takes effect at once, its handshakes run next. */
    public void onState(NodePolicyState next) {
        state.set(next);
        demand.set(AuthDemand.of(next));
        pre.holdLocal(next); // answer for new endpoints' identities at once, before this node's own pass
        queue();
    }

    /** The datapath dropped a packet with AUTH_REQUIRED: authenticate what is missing now. */
    public void onAuthRequiredDrop() {
        queue();
    }

    private void queue() {
        if (queued.compareAndSet(false, true)) {
            try {
                runs.execute(() -> {
                    queued.set(false);
                    runOnce();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                queued.set(false); // closed
            }
        }
    }

    private void runOnce() {
        try {
            Map<AuthDemand.Target, AuthOutcome> outcomes = pre.run(state.get());
            outcomes.forEach((t, o) -> {
                if (!(o instanceof AuthOutcome.Authenticated)) {
                    log.accept("endpoint-auth: " + t.pair().local() + " -> " + t.pair().remote() + " on node " + t.node() + ": " + o);
                }
            });
        } catch (RuntimeException e) {
            log.accept("endpoint-auth: run failed: " + e);
        }
    }

    public Optional<InetSocketAddress> address() {
        return handshake.address();
    }

    @Override
    public void close() {
        runs.shutdownNow();
        handshake.close();
    }
}
