package dev.bulwark.agent.sync;

import dev.bulwark.agent.datapath.DatapathException;
import dev.bulwark.proto.policy.v1.Ack;
import dev.bulwark.proto.policy.v1.AgentMessage;
import dev.bulwark.proto.policy.v1.DistributorMessage;
import dev.bulwark.proto.policy.v1.ErrorDetail;
import dev.bulwark.proto.policy.v1.Nack;
import dev.bulwark.proto.policy.v1.PolicyDelta;
import dev.bulwark.proto.policy.v1.PolicyDistributionGrpc;
import dev.bulwark.proto.policy.v1.Subscribe;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Client side of {@code PolicyDistribution.Stream}: subscribes with the held version, applies each delta
 * ({@link NodePolicyState#apply} then {@link StateApplier}), answers ACK, or NACK with the reason when
 * the delta is invalid or the datapath cannot take it (keeping the previous state), and on any stream
 * end reconnects with capped exponential backoff and resumes from the held version.
 *
 * <p>Concurrency: one single-threaded scheduler owns all state; gRPC callbacks only hop onto it.
 */
public final class PolicyStreamClient implements AutoCloseable {

    /** Counters and the held version, for status and metrics. */
    public record Status(long version, boolean connected, long acks, long nacks, long reconnects, String lastError) {
    }

    private final PolicyDistributionGrpc.PolicyDistributionStub stub;
    private final String nodeName;
    private final String instanceId;
    private final StateApplier applier;
    private final ScheduledExecutorService loop;
    private final Duration minBackoff;
    private final Duration maxBackoff;
    private final Consumer<NodePolicyState> onApplied;
    private volatile NodePolicyState state = NodePolicyState.EMPTY; // written on the loop only; volatile for readers
    private StreamObserver<AgentMessage> requests;
    private int generation;
    private Duration backoff;
    private boolean connected;
    private boolean closed;
    private long acks;
    private long nacks;
    private long reconnects;
    private String lastError = "";
    /** True once a full state's digest matched ours: from then on deltas are checked against state_digest. */
    private boolean digestsAgree;

    public PolicyStreamClient(Channel channel, String nodeName, String instanceId, StateApplier applier,
                              ScheduledExecutorService loop, Duration minBackoff, Duration maxBackoff,
                              Consumer<NodePolicyState> onApplied) {
        this.stub = PolicyDistributionGrpc.newStub(channel);
        this.nodeName = nodeName;
        this.instanceId = instanceId;
        this.applier = applier;
        this.loop = loop;
        this.minBackoff = minBackoff;
        this.maxBackoff = maxBackoff;
        this.backoff = minBackoff;
        this.onApplied = onApplied;
    }

    public void start() {
        loop.execute(this::connect);
    }

    /** The held state (read on the loop thread, or after the loop is quiescent). */
    public NodePolicyState state() {
        return state;
    }

    public Status status() {
        try {
            return loop.submit(() -> new Status(state.version(), connected, acks, nacks, reconnects, lastError)).get();
        } catch (Exception e) {
            return new Status(state.version(), false, acks, nacks, reconnects, "status unavailable: " + e);
        }
    }

    private void connect() {
        if (closed) {
            return;
        }
        int gen = ++generation;
        requests = stub.stream(new StreamObserver<>() {
            @Override
            public void onNext(DistributorMessage m) {
                onLoop(() -> {
                    if (gen == generation && m.hasDelta()) {
                        onDelta(m.getDelta());
                    }
                });
            }

            @Override
            public void onError(Throwable t) {
                onLoop(() -> ended(gen, t.toString()));
            }

            @Override
            public void onCompleted() {
                onLoop(() -> ended(gen, "stream completed by the distributor"));
            }
        });
        requests.onNext(AgentMessage.newBuilder().setSubscribe(Subscribe.newBuilder().setNodeName(nodeName)
                .setKnownVersion(state.version()).setAgentInstanceId(instanceId)
                .setKnownStateDigest(state.version() == 0 ? 0 : state.digest())).build());
    }

    /** Hops a gRPC callback onto the loop; after shutdown there is nothing left to do with it. */
    private void onLoop(Runnable r) {
        try {
            loop.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the agent is stopping
        }
    }

    private void onDelta(PolicyDelta d) {
        backoff = minBackoff; // a delta means the stream is healthy
        connected = true;
        NodePolicyState next;
        try {
            NodePolicyState.Outcome outcome = state.apply(d);
            switch (outcome) {
                case NodePolicyState.Outcome.Rejected r -> {
                    nack(d, r.rpcCode(), r.message());
                    return;
                }
                case NodePolicyState.Outcome.Applied a -> next = a.next();
            }
            String diverged = divergence(d, next);
            if (diverged != null) {
                nack(d, NodePolicyState.DATA_LOSS, diverged);
                return;
            }
            applier.apply(state, next);
        } catch (DatapathException e) {
            nack(d, e.rpcCode(), e.getMessage());
            return;
        } catch (RuntimeException e) {
            // Unanswered, the distributor would wait for the ACK timeout (60 s) before anything moved again.
            nack(d, NodePolicyState.INTERNAL, "applying version " + d.getVersion() + " failed: " + e);
            return;
        }
        state = next;
        acks++;
        requests.onNext(AgentMessage.newBuilder().setAck(Ack.newBuilder().setNonce(d.getNonce())
                .setVersion(d.getVersion())).build());
        onApplied.accept(state);
    }

    /**
     * Why {@code next} is not the state the distributor meant ({@code state_digest} disagrees), or null. A
     * delta applied to a base other than the one it was computed from would otherwise be acknowledged and
     * the difference kept until that entry changes again; rejected, it makes the distributor send a full
     * state. Checked only while digests have been seen to agree (the last full state matched): a full state
     * is applied even when its digest differs (nothing else could be converged to), and then deltas are not
     * judged by a digest this agent computes differently.
     */
    private String divergence(PolicyDelta d, NodePolicyState next) {
        if (d.getStateDigest() == 0) {
            return null;
        }
        long digest = next.digest();
        if (d.getFullState()) {
            if (digestsAgree && digest != d.getStateDigest()) {
                lastError = "state digest of full state " + d.getVersion() + " differs from the distributor's; deltas are"
                        + " no longer checked against it";
            }
            digestsAgree = digest == d.getStateDigest();
            return null;
        }
        if (!digestsAgree || digest == d.getStateDigest()) {
            return null;
        }
        return "state digest after applying version " + d.getVersion() + " on " + state.version() + " is "
                + Long.toUnsignedString(digest) + ", the distributor's is " + Long.toUnsignedString(d.getStateDigest());
    }

    private void nack(PolicyDelta d, int code, String message) {
        nacks++;
        lastError = message;
        requests.onNext(AgentMessage.newBuilder().setNack(Nack.newBuilder().setNonce(d.getNonce()).setVersion(d.getVersion())
                .setError(ErrorDetail.newBuilder().setCode(code).setMessage(message))).build());
    }

    private void ended(int gen, String why) {
        if (gen != generation || closed) {
            return;
        }
        connected = false;
        lastError = why;
        reconnects++;
        Duration wait = backoff;
        backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
        loop.schedule(this::connect, wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        loop.execute(() -> {
            closed = true;
            if (requests != null) {
                try {
                    requests.onCompleted();
                } catch (IllegalStateException e) {
                    // the call already ended; nothing to half-close
                }
            }
            connected = false;
        });
    }
}
