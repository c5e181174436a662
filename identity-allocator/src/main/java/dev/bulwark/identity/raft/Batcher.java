package dev.bulwark.identity.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Group commit: items queue up while earlier rounds are in flight; each round takes everything queued
 * (up to {@code maxWeight}, at least one item) and hands it to the sender as one batch. With
 * {@code maxInFlight} rounds outstanding, load turns into bigger batches instead of more rounds.
 *
 * <p>Thread model: any thread may {@link #add}; the queue and the in-flight count are guarded by
 * {@code this}; the sender runs outside the lock, on the adding thread or on the thread that completed
 * the previous round. Senders must complete their rounds off Ratis's threads (the gateway completes
 * them on its completion executor): a round completing on a Ratis thread would start the next one
 * there, and Ratis blocks on that (the state machine updater completes read barriers).
 */
final class Batcher<T> {

    private final int maxInFlight;
    private final int maxWeight;
    private final ToIntFunction<T> weight;
    private final Function<List<T>, CompletableFuture<?>> sender;
    private final ArrayDeque<T> queue = new ArrayDeque<>();
    private int inFlight;

    Batcher(int maxInFlight, int maxWeight, ToIntFunction<T> weight, Function<List<T>, CompletableFuture<?>> sender) {
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
        // On the completing thread, which is never Ratis's (see the class doc): another hand-off to a
        // thread here cost a thread wake-up per log entry and per read barrier.
        round.whenComplete((r, e) -> {
            synchronized (this) {
                inFlight--;
            }
            pump();
        });
    }
}
