package dev.bulwark.identity.client;

import dev.bulwark.model.LabelSet;
import dev.bulwark.proto.identity.v1.AllocateResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Merges concurrent Allocate calls of one process into one Allocate RPC while earlier RPCs are in
 * flight, so a node agent starting many pods at once pays one round trip and one Raft entry for all of
 * them instead of one per pod. No timer: a call made while fewer than {@code maxInFlight} RPCs are
 * outstanding is sent at once (alone); calls made while the limit is reached queue up and the next RPC
 * takes all queued calls of one owner (an AllocateRequest has one owner), up to {@code maxSetsPerRpc}
 * label sets (the server's per-request limit).
 *
 * <p>Each caller gets exactly what it would have got alone: its slice of the allocations, in its own
 * order, and the revision of the merged call (which is after its sets were applied). If a merged RPC of
 * several calls fails with a status retrying cannot fix (INVALID_ARGUMENT names a set of one caller;
 * RESOURCE_EXHAUSTED counts the whole request), every call of it is sent again alone, so a bad label in
 * one caller's set never fails another caller. Allocate is idempotent per (owner, label set), so sending
 * a call again is safe. A retryable failure that outlived the sender's retries (UNAVAILABLE) reaches
 * every caller of that RPC.
 *
 * <p>Thread model: any thread may call {@link #allocate} (it blocks until its answer is in); the queue
 * and the in-flight count are guarded by {@code this}; RPCs run on {@code executor}, never under the lock.
 */
final class AllocationCoalescer {

    /** Sends one Allocate RPC (with the client's retries); throws {@link StatusRuntimeException} on failure. */
    @FunctionalInterface
    interface Sender {
        AllocateResponse allocate(String owner, List<LabelSet> labelSets);
    }

    private record Call(String owner, List<LabelSet> labelSets, CompletableFuture<AllocateResponse> result) {
    }

    private final Sender sender;
    private final Executor executor;
    private final int maxInFlight;
    private final int maxSetsPerRpc;
    private final ArrayDeque<Call> queue = new ArrayDeque<>();
    private int inFlight;

    AllocationCoalescer(Sender sender, Executor executor, int maxInFlight, int maxSetsPerRpc) {
        if (maxInFlight < 1 || maxSetsPerRpc < 1) {
            throw new IllegalArgumentException("maxInFlight and maxSetsPerRpc: must be positive");
        }
        this.sender = sender;
        this.executor = executor;
        this.maxInFlight = maxInFlight;
        this.maxSetsPerRpc = maxSetsPerRpc;
    }

    /** Calls waiting for an RPC slot (for tests). */
    synchronized int queued() {
        return queue.size();
    }

    /** Allocates {@code labelSets} for {@code owner}, possibly in one RPC with other callers' sets. */
    AllocateResponse allocate(String owner, List<LabelSet> labelSets) {
        Call call = new Call(owner, List.copyOf(labelSets), new CompletableFuture<>());
        synchronized (this) {
            queue.addLast(call);
        }
        pump();
        try {
            return call.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("interrupted while waiting for Allocate").asRuntimeException();
        } catch (ExecutionException e) {
            // A fresh exception per caller (a failure can be shared by several callers).
            if (e.getCause() instanceof StatusRuntimeException s) {
                throw new StatusRuntimeException(s.getStatus(), s.getTrailers());
            }
            throw Status.INTERNAL.withDescription(String.valueOf(e.getCause())).withCause(e.getCause()).asRuntimeException();
        }
    }

    private void pump() {
        List<Call> round;
        synchronized (this) {
            if (inFlight >= maxInFlight || queue.isEmpty()) {
                return;
            }
            round = takeRound();
            inFlight++;
        }
        try {
            executor.execute(() -> {
                try {
                    send(round);
                } finally {
                    synchronized (this) {
                        inFlight--;
                    }
                    pump();
                }
            });
        } catch (RejectedExecutionException closed) {
            StatusRuntimeException e = Status.CANCELLED.withDescription("identity client closed").asRuntimeException();
            round.forEach(c -> c.result().completeExceptionally(e));
        }
    }

    /** The first queued call and every later queued call of the same owner that still fits; others stay queued in order. */
    private List<Call> takeRound() {
        Call first = queue.pollFirst();
        List<Call> round = new ArrayList<>();
        round.add(first);
        int sets = first.labelSets().size();
        for (Iterator<Call> it = queue.iterator(); it.hasNext() && sets < maxSetsPerRpc; ) {
            Call c = it.next();
            if (c.owner().equals(first.owner()) && sets + c.labelSets().size() <= maxSetsPerRpc) {
                it.remove();
                round.add(c);
                sets += c.labelSets().size();
            }
        }
        return round;
    }

    private void send(List<Call> round) {
        if (round.size() == 1) {
            sendAlone(round.getFirst());
            return;
        }
        List<LabelSet> merged = new ArrayList<>();
        round.forEach(c -> merged.addAll(c.labelSets()));
        AllocateResponse response;
        try {
            response = sender.allocate(round.getFirst().owner(), merged);
        } catch (StatusRuntimeException e) {
            if (isRetryable(e.getStatus().getCode())) {
                round.forEach(c -> c.result().completeExceptionally(e));
            } else {
                round.forEach(this::sendAlone);
            }
            return;
        } catch (RuntimeException e) {
            round.forEach(c -> c.result().completeExceptionally(e));
            return;
        }
        if (response.getAllocationsCount() != merged.size()) {
            StatusRuntimeException e = Status.INTERNAL.withDescription("Allocate answered " + response.getAllocationsCount()
                    + " allocations for " + merged.size() + " label sets").asRuntimeException();
            round.forEach(c -> c.result().completeExceptionally(e));
            return;
        }
        int offset = 0;
        for (Call c : round) {
            int n = c.labelSets().size();
            c.result().complete(AllocateResponse.newBuilder().setRevision(response.getRevision())
                    .addAllAllocations(response.getAllocationsList().subList(offset, offset + n)).build());
            offset += n;
        }
    }

    private void sendAlone(Call call) {
        try {
            call.result().complete(sender.allocate(call.owner(), call.labelSets()));
        } catch (RuntimeException e) {
            call.result().completeExceptionally(e);
        }
    }

    /** Failures the client retries itself; if one still comes out, retrying each call alone would not help either. */
    private static boolean isRetryable(Status.Code code) {
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED || code == Status.Code.CANCELLED;
    }
}
