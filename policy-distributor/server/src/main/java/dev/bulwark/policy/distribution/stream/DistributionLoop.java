package dev.bulwark.policy.distribution.stream;

import dev.bulwark.policy.distribution.state.ClusterChange;
import dev.bulwark.policy.distribution.state.Snapshot;
import dev.bulwark.policy.distribution.state.StateHistory;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fan-out core of one replica. Concurrency model: a single thread (the loop) owns the
 * {@link StateHistory}, the encoder and every {@link AgentSession}; everything else (gRPC callbacks, the
 * pipeline, status) hands work to it with {@link #execute}. One thread is enough because per agent it
 * does O(what changed for that agent) and sends pre-serialized shared parts; it also makes the protocol
 * free of locks and races. gRPC writes are asynchronous, so a stalled agent never blocks the loop.
 */
public final class DistributionLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DistributionLoop.class);

    private final StreamConfig config;
    private final InstantSource clock;
    private final ScheduledExecutorService loop;
    private final StateHistory history;
    private final Fanout fanout;
    private final Map<String, Set<AgentSession>> sessions = new HashMap<>();
    private final List<LongConsumer> revisionObservers = new ArrayList<>();
    private volatile boolean closing;

    public DistributionLoop(StreamConfig config, InstantSource clock, DeliveryListener listener) {
        this.config = config;
        this.clock = clock;
        this.history = new StateHistory(config.historyRevisions());
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "distribution-loop-" + config.replicaId());
            t.setDaemon(true);
            return t;
        });
        this.fanout = new Fanout(history, new WireEncoder(), listener, new FullStateGate(config.maxConcurrentFullStates()),
                new ServingGate(true), this::schedule, config.nackRetry());
        long period = Math.max(100, config.ackTimeout().toMillis() / 4);
        loop.scheduleWithFixedDelay(this::disconnectStalled, period, period, TimeUnit.MILLISECONDS);
    }

    public StreamConfig config() {
        return config;
    }

    /** Runs {@code task} on the loop. */
    public void execute(Runnable task) {
        try {
            loop.execute(logged(task, "distribution loop task"));
        } catch (RejectedExecutionException stopped) {
            LOG.debug("distribution loop stopped; dropping a late callback");
        }
    }

    /** Runs {@code task} on the loop after {@code delay} (dropped once the loop has stopped). */
    private void schedule(Duration delay, Runnable task) {
        try {
            loop.schedule(logged(task, "distribution loop timer task"), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            LOG.debug("distribution loop stopped; dropping a timer");
        }
    }

    /** {@code task}, with a failure logged instead of ending the loop's thread. */
    private static Runnable logged(Runnable task, String what) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("{} failed", what, e);
            }
        };
    }

    /** Applies a change; completes with the new revision, or empty when nothing changed (nothing is sent). */
    public CompletableFuture<Optional<Long>> publish(ClusterChange change) {
        CompletableFuture<Optional<Long>> done = new CompletableFuture<>();
        execute(() -> {
            try {
                Optional<StateHistory.Revision> revision = history.apply(change, clock.millis());
                revision.ifPresent(this::fanOut);
                done.complete(revision.map(r -> r.snapshot().revision()));
            } catch (RuntimeException e) {
                done.completeExceptionally(e); // the pipeline learns at once and diffs the change again
                throw e;
            }
        });
        return done;
    }

    /**
     * Holds every session (subscriptions are accepted, nothing is sent) until {@link #serve}: for a
     * replica whose first state is still being computed. Call before agents can connect.
     */
    public void holdUntilServing() {
        execute(() -> fanout.serving().close());
    }

    /** Ends {@link #holdUntilServing}: the state published so far is complete enough to send. */
    public void serve() {
        execute(() -> {
            if (fanout.serving().open()) {
                LOG.info("replica {}: first state published; serving {} held agent streams", config.replicaId(),
                        sessions.values().stream().mapToInt(Set::size).sum());
                List<AgentSession> held = new ArrayList<>();
                sessions.values().forEach(held::addAll);
                held.forEach(this::pumpOrClose);
            }
        });
    }

    /** Notifies {@code observer} (on the loop) of each new revision; replicas announce them to peers. */
    public void onRevision(LongConsumer observer) {
        execute(() -> revisionObservers.add(observer));
    }

    /** Moves the revision clock past a version seen elsewhere. */
    public void observe(long version) {
        execute(() -> history.observe(version));
    }

    public CompletableFuture<DistributorStatus> status() {
        CompletableFuture<DistributorStatus> done = new CompletableFuture<>();
        execute(() -> {
            long now = System.nanoTime();
            List<AgentStatus> agents = new ArrayList<>();
            sessions.values().forEach(set -> set.forEach(s -> agents.add(s.status(now))));
            agents.sort(Comparator.comparing(AgentStatus::nodeName));
            done.complete(new DistributorStatus(config.replicaId(), history.current().revision(),
                    history.oldestRevision(), agents, fanout.encoder().serializedParts(), fanout.encoder().sharedPartHits()));
        });
        return done;
    }

    /** The current snapshot (for tests and full recompute checks). */
    public CompletableFuture<Snapshot> snapshot() {
        CompletableFuture<Snapshot> done = new CompletableFuture<>();
        execute(() -> done.complete(history.current()));
        return done;
    }

    boolean closing() {
        return closing;
    }

    /**
     * Opens a session for a subscribed agent (on the loop). The agent resumes from the local revision
     * whose content it holds: by digest when it sent one, else by its version if history still has it.
     */
    AgentSession open(String nodeName, String instanceId, long knownVersion, long knownDigest,
                      io.grpc.stub.ServerCallStreamObserver<EncodedMessage> out) {
        history.observe(knownVersion);
        long held = history.resumeRevision(nodeName, knownVersion, knownDigest);
        AgentSession session = new AgentSession(nodeName, instanceId, knownVersion, held, out, fanout);
        sessions.computeIfAbsent(nodeName, n -> new LinkedHashSet<>()).add(session);
        LOG.debug("node {} subscribed with version {}: {}", nodeName, knownVersion, held >= 0 ? "resume" : "full state");
        session.pump();
        return session;
    }

    void remove(AgentSession session) {
        session.markClosed();
        fanout.fullStates().release(session);
        Set<AgentSession> set = sessions.get(session.nodeName);
        if (set != null && set.remove(session) && set.isEmpty()) {
            sessions.remove(session.nodeName);
        }
    }

    private void fanOut(StateHistory.Revision revision) {
        List<AgentSession> affected = new ArrayList<>();
        if (revision.ipcacheChanged()) {
            sessions.values().forEach(affected::addAll);
        } else {
            for (String node : revision.changedNodes()) {
                affected.addAll(sessions.getOrDefault(node, Set.of()));
            }
        }
        affected.forEach(this::pumpOrClose);
        for (LongConsumer o : revisionObservers) {
            try {
                o.accept(revision.snapshot().revision());
            } catch (RuntimeException e) {
                LOG.warn("revision notice of {} failed", revision.snapshot().revision(), e);
            }
        }
    }

    /**
     * Pumps one session; one that fails is closed (its agent resumes on reconnect) instead of leaving the
     * sessions after it unpumped: they would wait for the next revision, which a quiet cluster never makes.
     */
    private void pumpOrClose(AgentSession session) {
        try {
            session.pump();
        } catch (RuntimeException e) {
            LOG.error("node {}: sending to agent {} failed; closing its stream", session.nodeName, session.instanceId, e);
            session.close(io.grpc.Status.INTERNAL.withDescription("sending failed: " + e));
            remove(session);
        }
    }

    private void disconnectStalled() {
        long now = System.nanoTime();
        long limit = config.ackTimeout().toMillis();
        List<AgentSession> stalled = new ArrayList<>();
        sessions.values().forEach(set -> set.stream().filter(s -> s.inflightMillis(now) > limit).forEach(stalled::add));
        for (AgentSession s : stalled) {
            LOG.warn("node {}: no ack within {} ms; disconnecting (it resumes on reconnect)", s.nodeName, limit);
            s.close(StreamFailure.toStatus(new StreamFailure.AckTimeout(s.inflightVersion(), s.inflightMillis(now))));
            remove(s);
        }
    }

    /** Ends every stream with UNAVAILABLE (agents resume elsewhere) and stops the loop. */
    @Override
    public void close() {
        closing = true;
        CompletableFuture<Void> done = new CompletableFuture<>();
        execute(() -> {
            var status = StreamFailure.toStatus(new StreamFailure.ShuttingDown());
            sessions.values().forEach(set -> set.forEach(s -> s.close(status)));
            sessions.clear();
            done.complete(null);
        });
        try {
            done.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("closing agent streams did not finish", e);
        }
        loop.shutdownNow();
    }
}
