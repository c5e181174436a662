package dev.bulwark.identity.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Group commit: items queue up while earlier rounds are in flight; each round takes everything queued
 * (up to {@code maxWeight}, at least one item) and hands it to the sender as one batch. With
 * {@code maxInFlight} rounds outstanding, load turns into bigger batches instead of more rounds.
 *
 * <p>Thread model: any thread may {@link #add}; the queue and the in-flight count are guarded by
 * {@code this}; the sender runs outside the lock, on the adding thread or on the executor.
 */
final class Batcher<T> {

    private final int maxInFlight;
    private final int maxWeight;
    private final ToIntFunction<T> weight;
    private final Function<List<T>, CompletableFuture<?>> sender;
    private final Executor executor;
    private final ArrayDeque<T> queue = new ArrayDeque<>();
    private int inFlight;

    /** {@code executor} runs the next round after one completes, never the completing (Ratis) thread. */
    Batcher(int maxInFlight, int maxWeight, ToIntFunction<T> weight, Function<List<T>, CompletableFuture<?>> sender,
            Executor executor) {
        this.executor = executor;
        this.maxInFlight = maxInFlight;
        this.maxWeight = maxWeight;
        this.weight = weight;
        this.sender = sender;
    }

    void add(T item) {
        synchronized (this) {
            queue.addLast(item);
        }
        pump();
    }

    private void pump() {
        List<T> batch;
        synchronized (this) {
            if (inFlight >= maxInFlight || queue.isEmpty()) {
                return;
            }
            batch = new ArrayList<>();
            int w = 0;
            while (!queue.isEmpty() && (batch.isEmpty() || w + weight.applyAsInt(queue.peekFirst()) <= maxWeight)) {
                T t = queue.pollFirst();
                w += weight.applyAsInt(t);
                batch.add(t);
            }
            inFlight++;
        }
        CompletableFuture<?> round;
        try {
            round = sender.apply(batch);
        } catch (RuntimeException e) {
            round = CompletableFuture.failedFuture(e);
        }
        // Async: a round completes on a Ratis thread (e.g. the state machine updater), which must not be
        // used to submit the next round (Ratis blocks on it) or to run anything long.
        round.whenCompleteAsync((r, e) -> {
            synchronized (this) {
                inFlight--;
            }
            pump();
        }, executor);
    }
}
