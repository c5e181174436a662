package dev.bulwark.identity.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Read barriers that are never acknowledged must not stall later reads (the wipe-and-rejoin stall). */
class ReadBarriersTest {

    private final ExecutorService completions = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stop() {
        completions.shutdownNow();
    }

    @Test
    void barriersThatNeverCompleteFailTheirReadsAndFreeTheirSlots() throws Exception {
        // The first two barriers (both slots) hang forever, as a Ratis read index whose heartbeat
        // acknowledgements never arrive; every later one is confirmed at once.
        List<CompletableFuture<Object>> started = new ArrayList<>();
        AtomicInteger state = new AtomicInteger(7);
        ReadBarriers<Integer> barriers = new ReadBarriers<>(() -> {
            synchronized (started) {
                CompletableFuture<Object> b = new CompletableFuture<>();
                if (started.size() >= 2) {
                    b.complete("confirmed");
                }
                started.add(b);
                return b;
            }
        }, state::get, RaftGateway::unavailable, 50, completions);

        CompletableFuture<Integer> first = barriers.read();
        CompletableFuture<Integer> second = barriers.read();
        CompletableFuture<Integer> queued = barriers.read();

        ExecutionException e = assertThrows(ExecutionException.class, first::get);
        ReplicaUnavailableException u = assertInstanceOf(ReplicaUnavailableException.class, e.getCause());
        assertTrue(u.getMessage().contains("read barrier not confirmed within 50 ms"), u.getMessage());
        assertTrue(u.leaderAddress().isEmpty(), "no leader hint: the client tries another replica");
        assertInstanceOf(ReplicaUnavailableException.class, assertThrows(ExecutionException.class, second::get).getCause());
        assertEquals(7, queued.get(), "a read queued behind two hung barriers is served once their slots are freed");
        state.set(8);
        assertEquals(8, barriers.read().get(), "and so is every later read");
        synchronized (started) {
            assertFalse(started.get(0).isDone() || started.get(1).isDone(),
                    "the bound completes the barrier's copy, never the future the barrier's owner holds");
        }
    }

    @Test
    void aRefusedBarrierFailsItsReadsWithTheMappedFailure() {
        ReadBarriers<Integer> barriers = new ReadBarriers<>(
                () -> CompletableFuture.failedFuture(new IllegalStateException("not leader")), () -> 1,
                RaftGateway::unavailable, 60_000, completions);
        ExecutionException e = assertThrows(ExecutionException.class, () -> barriers.read().get());
        ReplicaUnavailableException u = assertInstanceOf(ReplicaUnavailableException.class, e.getCause());
        assertTrue(u.getMessage().contains("IllegalStateException: not leader"), u.getMessage());
    }
}
