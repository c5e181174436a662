package dev.bulwark.identity.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.model.LabelSet;
import dev.bulwark.proto.identity.v1.AllocateResponse;
import dev.bulwark.proto.identity.v1.Allocation;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The coalescing rules with a fake sender whose first RPC is held until the test releases it, so the
 * test decides exactly which calls are queued when the next RPC is formed.
 */
class AllocationCoalescerTest {

    /** What the fake sender received. */
    record Rpc(String owner, List<LabelSet> sets) {
    }

    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Rpc> rpcs = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile Status failWith;

    @AfterEach
    void stop() {
        release.countDown();
        threads.shutdownNow();
    }

    static LabelSet set(String app) {
        return LabelSet.parse(List.of("k8s:app=" + app));
    }

    static int idOf(LabelSet s) {
        return 256 + Math.floorMod(s.canonical().hashCode(), 60_000);
    }

    /** Answers each set with {@link #idOf}; refuses the whole request when any set is app=bad; holds the first RPC. */
    private AllocateResponse send(String owner, List<LabelSet> sets) {
        boolean first = rpcs.isEmpty();
        rpcs.add(new Rpc(owner, List.copyOf(sets)));
        if (first) {
            try {
                release.await();
            } catch (InterruptedException e) {
                throw Status.CANCELLED.asRuntimeException();
            }
        }
        if (failWith != null) {
            throw failWith.asRuntimeException();
        }
        for (int i = 0; i < sets.size(); i++) {
            if (sets.get(i).equals(set("bad"))) {
                throw Status.INVALID_ARGUMENT.withDescription("label_sets[" + i + "].labels[0].value: bad").asRuntimeException();
            }
        }
        AllocateResponse.Builder b = AllocateResponse.newBuilder().setRevision(rpcs.size());
        sets.forEach(s -> b.addAllocations(Allocation.newBuilder().setId(idOf(s))));
        return b.build();
    }

    private CompletableFuture<AllocateResponse> start(AllocationCoalescer c, String owner, LabelSet... sets) {
        return CompletableFuture.supplyAsync(() -> c.allocate(owner, List.of(sets)), threads);
    }

    /** Starts the first (held) call, then {@code queued} more, and waits until they are all queued. */
    private List<CompletableFuture<AllocateResponse>> holdFirstThenQueue(AllocationCoalescer c, List<Rpc> queued)
            throws InterruptedException {
        List<CompletableFuture<AllocateResponse>> out = new ArrayList<>();
        out.add(start(c, "node-a", set("first")));
        while (rpcs.isEmpty()) {
            Thread.sleep(1);
        }
        for (Rpc q : queued) {
            out.add(start(c, q.owner(), q.sets().toArray(LabelSet[]::new)));
            while (c.queued() < out.size() - 1) {
                Thread.sleep(1);
            }
        }
        return out;
    }

    private static List<Integer> ids(AllocateResponse r) {
        return r.getAllocationsList().stream().map(Allocation::getId).toList();
    }

    @Test
    void aCallWithNothingInFlightIsSentAloneAtOnce() {
        AllocationCoalescer c = new AllocationCoalescer(this::send, threads, 1, 1000);
        release.countDown();
        AllocateResponse r = c.allocate("node-a", List.of(set("web"), set("db")));
        assertEquals(List.of(idOf(set("web")), idOf(set("db"))), ids(r));
        assertEquals(List.of(new Rpc("node-a", List.of(set("web"), set("db")))), rpcs);
    }

    @Test
    void callsQueuedWhileAnRpcIsInFlightGoOutAsOneRpcAndEachGetsItsOwnSlice() throws Exception {
        AllocationCoalescer c = new AllocationCoalescer(this::send, threads, 1, 1000);
        List<CompletableFuture<AllocateResponse>> calls = holdFirstThenQueue(c, List.of(
                new Rpc("node-a", List.of(set("b1"), set("b2"))), new Rpc("node-a", List.of(set("c"))),
                new Rpc("node-a", List.of(set("d1"), set("d2"), set("d3")))));
        release.countDown();
        assertEquals(List.of(idOf(set("first"))), ids(calls.get(0).get()));
        assertEquals(List.of(idOf(set("b1")), idOf(set("b2"))), ids(calls.get(1).get()));
        assertEquals(List.of(idOf(set("c"))), ids(calls.get(2).get()));
        assertEquals(List.of(idOf(set("d1")), idOf(set("d2")), idOf(set("d3"))), ids(calls.get(3).get()));
        assertEquals(2, rpcs.size(), "one held RPC, then one merged RPC: " + rpcs);
        assertEquals(List.of(set("b1"), set("b2"), set("c"), set("d1"), set("d2"), set("d3")), rpcs.get(1).sets());
        assertEquals(2, calls.get(3).get().getRevision(), "the merged call's revision");
    }

    @Test
    void anInvalidSetFailsOnlyItsOwnCallerWithItsOwnIndex() throws Exception {
        AllocationCoalescer c = new AllocationCoalescer(this::send, threads, 1, 1000);
        List<CompletableFuture<AllocateResponse>> calls = holdFirstThenQueue(c, List.of(
                new Rpc("node-a", List.of(set("ok1"))), new Rpc("node-a", List.of(set("ok2"), set("bad"))),
                new Rpc("node-a", List.of(set("ok3")))));
        release.countDown();
        assertEquals(List.of(idOf(set("ok1"))), ids(calls.get(1).get()));
        assertEquals(List.of(idOf(set("ok3"))), ids(calls.get(3).get()));
        Exception e = assertThrows(Exception.class, () -> calls.get(2).join());
        StatusRuntimeException s = (StatusRuntimeException) e.getCause();
        assertEquals(Status.Code.INVALID_ARGUMENT, s.getStatus().getCode());
        assertTrue(s.getStatus().getDescription().startsWith("label_sets[1]"), s.getStatus().getDescription());
    }

    @Test
    void eachRpcCarriesOneOwnerAndOtherOwnersKeepTheirTurn() throws Exception {
        AllocationCoalescer c = new AllocationCoalescer(this::send, threads, 1, 1000);
        List<CompletableFuture<AllocateResponse>> calls = holdFirstThenQueue(c, List.of(
                new Rpc("node-b", List.of(set("b1"))), new Rpc("node-a", List.of(set("a1"))),
                new Rpc("node-b", List.of(set("b2")))));
        release.countDown();
        for (CompletableFuture<AllocateResponse> f : calls) {
            f.get();
        }
        assertEquals(List.of(new Rpc("node-a", List.of(set("first"))), new Rpc("node-b", List.of(set("b1"), set("b2"))),
                new Rpc("node-a", List.of(set("a1")))), rpcs);
    }

    @Test
    void anRpcNeverExceedsTheSetLimit() throws Exception {
        AllocationCoalescer c = new AllocationCoalescer(this::send, threads, 1, 3);
        List<CompletableFuture<AllocateResponse>> calls = holdFirstThenQueue(c, List.of(
                new Rpc("node-a", List.of(set("x1"), set("x2"))), new Rpc("node-a", List.of(set("y1"), set("y2"))),
                new Rpc("node-a", List.of(set("z")))));
        release.countDown();
        for (CompletableFuture<AllocateResponse> f : calls) {
            f.get();
        }
        assertEquals(List.of(List.of(set("first")), List.of(set("x1"), set("x2"), set("z")), List.of(set("y1"), set("y2"))),
                rpcs.stream().map(Rpc::sets).toList());
    }

    @Test
    void anUnavailableStoreReachesEveryCallerOfTheRpc() throws Exception {
        AllocationCoalescer c = new AllocationCoalescer(this::send, threads, 1, 1000);
        List<CompletableFuture<AllocateResponse>> calls = holdFirstThenQueue(c, List.of(
                new Rpc("node-a", List.of(set("p"))), new Rpc("node-a", List.of(set("q")))));
        failWith = Status.UNAVAILABLE.withDescription("no leader");
        release.countDown();
        for (CompletableFuture<AllocateResponse> f : calls) {
            Exception e = assertThrows(Exception.class, f::join);
            assertEquals(Status.Code.UNAVAILABLE, ((StatusRuntimeException) e.getCause()).getStatus().getCode());
        }
        assertEquals(2, rpcs.size(), "no per-call resend for a failure the client already retried");
    }
}
