package dev.bulwark.identity.raft;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Linearizable reads sharing read-index barriers: every read waiting when a barrier starts is answered
 * by it, with at most two barriers in flight. Each barrier is bounded: Ratis 3.2.2 waits for the read
 * index's heartbeat acknowledgements without a timeout of its own ({@code raft.server.read.timeout}
 * covers only the later wait for the applied index), so a barrier that is never acknowledged would
 * hold its slot forever and stall every later read on the replica (seen once after a wipe-and-rejoin,
 * docs/chaos.md). Past the bound its reads fail with {@link ReplicaUnavailableException} (UNAVAILABLE,
 * retryable: a read changes nothing) and the slot is freed.
 *
 * <p>Thread model: as {@link Batcher}; completions run on {@code completions}, never on the thread
 * that completes a barrier (a Ratis thread).
 */
final class ReadBarriers<T> {

    private final Supplier<CompletableFuture<?>> barrier;
    private final Supplier<T> state;
    private final Function<Throwable, RuntimeException> mapFailure;
    private final long boundMs;
    private final ExecutorService completions;
    private final Batcher<CompletableFuture<T>> reads;

    /**
     * @param barrier    starts one barrier; completes once it is confirmed, exceptionally if refused
     * @param state      the local state a confirmed barrier answers with
     * @param mapFailure turns a refused barrier's failure into what its reads fail with
     */
    ReadBarriers(Supplier<CompletableFuture<?>> barrier, Supplier<T> state, Function<Throwable, RuntimeException> mapFailure,
                 long boundMs, ExecutorService completions) {
        this.barrier = barrier;
        this.state = state;
        this.mapFailure = mapFailure;
        this.boundMs = boundMs;
        this.completions = completions;
        this.reads = new Batcher<>(2, Integer.MAX_VALUE, r -> 1, this::send);
    }

    /** Completes with the state as of a barrier started after this call. */
    CompletableFuture<T> read() {
        CompletableFuture<T> f = new CompletableFuture<>();
        reads.add(f);
        return f;
    }

    private CompletableFuture<?> send(List<CompletableFuture<T>> waiting) {
        CompletableFuture<?> started;
        try {
            started = barrier.get();
        } catch (RuntimeException e) {
            started = CompletableFuture.failedFuture(e);
        }
        // copy(): the bound completes our view of the barrier, never the future Ratis holds.
        return started.copy().orTimeout(boundMs, TimeUnit.MILLISECONDS).handleAsync((r, e) -> {
            if (e != null) {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                RuntimeException mapped = cause instanceof TimeoutException
                        ? new ReplicaUnavailableException("read barrier not confirmed within " + boundMs
                                + " ms (no heartbeat quorum acknowledged it)", null, cause)
                        : mapFailure.apply(cause);
                waiting.forEach(f -> f.completeExceptionally(mapped));
            } else {
                T t = state.get();
                waiting.forEach(f -> f.complete(t));
            }
            return null;
        }, completions);
    }
}
