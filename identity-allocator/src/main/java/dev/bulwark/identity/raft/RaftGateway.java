package dev.bulwark.identity.raft;

import dev.bulwark.identity.IdentityCommand;
import dev.bulwark.identity.IdentityTable;
import dev.bulwark.identity.Outcome;
import java.io.IOException;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * Puts requests into the local Ratis server without a network hop: writes are group-committed (all
 * commands queued while earlier entries are in flight go into one log entry, stamped with this
 * replica's clock as leader time), and linearizable reads share read-index barriers (every read
 * waiting when a barrier starts is served by it). A replica that is not the leader answers with
 * {@link ReplicaUnavailableException} naming the leader's gRPC address.
 *
 * <p>Thread model: any thread may call; batching is in {@link Batcher}; completions and the next rounds
 * run on virtual threads, never on Ratis's threads (the state machine updater completes read barriers,
 * and submitting from it deadlocks). {@link #read} never blocks its caller (gRPC transport threads call
 * it); {@link #submit} may block until Ratis has taken the entry.
 *
 * <p>Every read barrier is bounded ({@link #READ_BARRIER_TIMEOUT_MS}; why in {@link ReadBarriers}).
 */
public final class RaftGateway {

    /**
     * Bound of one read barrier: longer than a heartbeat round on a loaded 2-vCPU machine (JVM pauses of
     * up to 2 s were measured there), shorter than Ratis's own 5 s request and read timeouts.
     */
    static final long READ_BARRIER_TIMEOUT_MS = 3_000;

    private record PendingWrite(IdentityCommand command, CompletableFuture<Outcome> result) {
    }

    private final RaftServer server;
    private final RaftGroupId groupId;
    private final IdentityStateMachine stateMachine;
    private final InstantSource clock;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private final AtomicLong batchIds = new AtomicLong(ThreadLocalRandom.current().nextLong());
    private final Batcher<PendingWrite> writes;
    private final ReadBarriers<IdentityTable> reads;
    private final long requestTimeoutMs;
    /** Completions and follow-up rounds run here, never on Ratis's own threads. */
    private final ExecutorService completions = Executors.newVirtualThreadPerTaskExecutor();

    /**
     * @param maxBatchLabelSets label sets per log entry (an entry always takes at least one command)
     * @param maxWritesInFlight entries outstanding at once
     */
    public RaftGateway(RaftServer server, RaftGroupId groupId, IdentityStateMachine stateMachine, InstantSource clock,
                       int maxBatchLabelSets, int maxWritesInFlight) {
        this.server = server;
        this.groupId = groupId;
        this.stateMachine = stateMachine;
        this.clock = clock;
        this.requestTimeoutMs = 5_000;
        this.writes = new Batcher<>(maxWritesInFlight, maxBatchLabelSets,
                w -> w.command() instanceof IdentityCommand.Allocate a ? a.labelSets().size() : 1, this::sendWrites);
        this.reads = new ReadBarriers<>(this::sendBarrier, stateMachine::table, RaftGateway::unavailable,
                READ_BARRIER_TIMEOUT_MS, completions);
    }

    /** Stops running completions (after the Raft server is closed). */
    public void close() {
        completions.shutdownNow();
    }

    /** Proposes {@code command}; completes with its outcome once committed and applied here. */
    public CompletableFuture<Outcome> submit(IdentityCommand command) {
        PendingWrite w = new PendingWrite(command, new CompletableFuture<>());
        writes.add(w);
        return w.result();
    }

    /** Completes with a table at least as new as every write acknowledged before this call (linearizable). */
    public CompletableFuture<IdentityTable> read() {
        return reads.read();
    }

    private CompletableFuture<?> sendWrites(List<PendingWrite> batch) {
        long batchId = batchIds.incrementAndGet();
        CompletableFuture<List<Outcome>> applied = stateMachine.expect(batchId);
        byte[] entry = LogEntryCodec.encode(new LogEntry(clock.millis(), batchId,
                batch.stream().map(PendingWrite::command).toList()));
        CompletableFuture<RaftClientReply> reply = send(RaftClientRequest.writeRequestType(), entry);
        return reply.handleAsync((r, e) -> {
            Throwable failure = e != null ? e : r.isSuccess() ? null : failureOf(r);
            if (failure != null) {
                stateMachine.forget(batchId);
                RuntimeException mapped = unavailable(failure);
                batch.forEach(w -> w.result().completeExceptionally(mapped));
                return null;
            }
            List<Outcome> outcomes = applied.getNow(null);
            if (outcomes == null) {
                // Applied here before the reply in practice; wait briefly otherwise.
                outcomes = applied.orTimeout(requestTimeoutMs, TimeUnit.MILLISECONDS).join();
            }
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(outcomes.get(i));
            }
            return null;
        }, completions);
    }

    /**
     * One read-index barrier: completes when Ratis confirms it, exceptionally with Ratis's failure
     * otherwise. Submitted from a completion thread, never from the caller's: Ratis's
     * {@code submitClientRequestAsync} blocks its caller until Ratis's client thread has taken the
     * request, and reads are started on gRPC transport threads, which must not block. One hand-off per
     * barrier (shared by every read waiting for it) instead of one per call.
     */
    private CompletableFuture<?> sendBarrier() {
        return CompletableFuture.supplyAsync(() -> send(RaftClientRequest.readRequestType(), new byte[0]), completions)
                .thenCompose(reply -> reply).thenApply(r -> {
                    if (!r.isSuccess()) {
                        throw new CompletionException(failureOf(r));
                    }
                    return r;
                });
    }

    private CompletableFuture<RaftClientReply> send(RaftClientRequest.Type type, byte[] content) {
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(clientId).setServerId(server.getId()).setGroupId(groupId)
                .setCallId(callIds.incrementAndGet())
                .setMessage(Message.valueOf(ByteString.copyFrom(content)))
                .setType(type).setTimeoutMs(requestTimeoutMs).build();
        try {
            return server.submitClientRequestAsync(request);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static Throwable failureOf(RaftClientReply r) {
        return r.getNotLeaderException() != null ? r.getNotLeaderException() : r.getException();
    }

    /** Turns a Ratis failure into {@link ReplicaUnavailableException}, with the leader's gRPC address when known. */
    static ReplicaUnavailableException unavailable(Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof ReplicaUnavailableException u) {
            return u;
        }
        String leader = null;
        if (cause instanceof NotLeaderException nle && nle.getSuggestedLeader() != null) {
            leader = grpcAddressOf(nle.getSuggestedLeader());
        }
        String what = cause == null ? "unknown" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return new ReplicaUnavailableException(leader == null ? "no leader known (" + what + ")" : "not the leader", leader, cause);
    }

    /** The gRPC address of a Raft peer: same host, port one below its Raft port (the port scheme of {@code dev.bulwark.identity.server.Peer}). */
    public static String grpcAddressOf(RaftPeer peer) {
        String raft = peer.getAddress();
        int colon = raft.lastIndexOf(':');
        return raft.substring(0, colon) + ":" + (Integer.parseInt(raft.substring(colon + 1)) - 1);
    }
}
