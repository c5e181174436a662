package dev.bulwark.agent.auth;

import dev.bulwark.agent.datapath.AuthKey;
import dev.bulwark.agent.datapath.AuthMap;
import dev.bulwark.agent.sync.NodePolicyState;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * Authenticates before the first packet: from a policy state it takes every pair an auth-required allow
 * names ({@link AuthDemand#targets}) and runs the handshake with each node hosting the peer identity, so
 * the entry is in the auth map by the time the pods talk (Cilium only starts after a drop, #23808).
 * Entries that live longer than {@code renewBefore} are left alone; the caller runs {@link #run} after
 * each applied state and periodically, which also renews entries before their certificates expire and
 * removes expired entries and those of pairs the state no longer needs (as Cilium's policy-driven GC). The SVIDs held follow the state's local endpoints. Each run blocks its caller
 * while the handshakes run concurrently on virtual threads.
 */
public final class PreAuthentication {

    /** Where the auth listener of a node's agent is. */
    @FunctionalInterface
    public interface PeerAgents {
        Optional<InetSocketAddress> addressOf(String node);
    }

    private final AuthHandshake handshake;
    private final IdentitySvids svids;
    private final AuthMap auth;
    private final PeerAgents peers;
    private final InstantSource clock;
    private final Duration renewBefore;

    public PreAuthentication(AuthHandshake handshake, IdentitySvids svids, AuthMap auth, PeerAgents peers,
                             InstantSource clock, Duration renewBefore) {
        if (renewBefore.isNegative()) {
            throw new IllegalArgumentException("renewBefore: must not be negative, got " + renewBefore);
        }
        this.handshake = handshake;
        this.svids = svids;
        this.auth = auth;
        this.peers = peers;
        this.clock = clock;
        this.renewBefore = renewBefore;
    }

    /** One pass over {@code state}: returns the outcome of each handshake run (targets already fine are absent). */
    public Map<AuthDemand.Target, AuthOutcome> run(NodePolicyState state) {
        holdLocal(state);
        Instant now = clock.instant();
        auth.removeExpired(now);
        AuthDemand demand = AuthDemand.of(state);
        // Policy-driven collection: pairs no allow here needs any more (or whose endpoint left) go now.
        auth.read().keySet().stream().filter(k -> !demand.expects(k.localIdentity(), k.remoteIdentity()))
                .forEach(auth::remove);

        Map<AuthDemand.Target, Future<AuthOutcome>> running = new TreeMap<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (AuthDemand.Target t : demand.targets(state)) {
                Optional<Instant> held = auth.expiry(AuthKey.spiffe(t.pair().local(), t.pair().remote()));
                if (AuthMap.live(held, now.plus(renewBefore))) {
                    continue;
                }
                Optional<InetSocketAddress> at = peers.addressOf(t.node());
                running.put(t, pool.submit(() -> at.isEmpty()
                        ? new AuthOutcome.Unreachable("no auth address known for node " + t.node())
                        : handshake.authenticate(t.pair().local(), t.pair().remote(), at.get())));
            }
        }
        Map<AuthDemand.Target, AuthOutcome> out = new TreeMap<>();
        running.forEach((t, f) -> out.put(t, result(f)));
        return out;
    }

    /** Holds the SVIDs of exactly the identities of {@code state}'s endpoints (this node answers for them). */
    public void holdLocal(NodePolicyState state) {
        Set<Integer> local = state.endpoints().values().stream().map(NodePolicyState.EndpointPolicy::identity)
                .filter(i -> i != 0).collect(Collectors.toSet());
        local.forEach(svids::hold);
        svids.held().stream().filter(i -> !local.contains(i)).forEach(svids::release);
    }

    private static AuthOutcome result(Future<AuthOutcome> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            return new AuthOutcome.Unreachable("handshake failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new AuthOutcome.Unreachable("interrupted");
        }
    }
}
