package dev.bulwark.identity.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.model.LabelSet;
import dev.bulwark.proto.identity.v1.AllocateResponse;
import dev.bulwark.proto.identity.v1.Allocation;
import dev.bulwark.testkit.Seeds;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Many threads allocating at once through one coalescer, with random owners, set counts and invalid
 * sets (the fake store refuses a whole request that holds one). Every caller must get exactly the
 * answer it would have got alone: its own ids in its own order, or INVALID_ARGUMENT when (and only when)
 * its own request held an invalid set; every RPC has one owner and at most the set limit. The seed picks
 * the workload; thread interleavings vary between runs, which is the point.
 */
class AllocationCoalescerSimulationTest {

    private static final int MAX_SETS = 16;

    @Test
    void everyCallerGetsExactlyItsOwnAnswer() throws Exception {
        Seeds.run("allocation coalescer simulation", random -> {
            AtomicInteger rpcs = new AtomicInteger();
            AtomicInteger violations = new AtomicInteger();
            AllocationCoalescer.Sender store = (owner, sets) -> {
                rpcs.incrementAndGet();
                if (sets.size() > MAX_SETS || sets.isEmpty()) {
                    violations.incrementAndGet();
                }
                Thread.yield();
                AllocateResponse.Builder b = AllocateResponse.newBuilder().setRevision(1);
                for (int i = 0; i < sets.size(); i++) {
                    String app = sets.get(i).canonical();
                    if (app.contains("bad")) {
                        throw Status.INVALID_ARGUMENT.withDescription("label_sets[" + i + "]: bad").asRuntimeException();
                    }
                    if (!app.contains("owner-" + owner + "-")) {
                        violations.incrementAndGet(); // another owner's set in this owner's request
                    }
                    b.addAllocations(Allocation.newBuilder().setId(AllocationCoalescerTest.idOf(sets.get(i))));
                }
                return b.build();
            };
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                AllocationCoalescer coalescer = new AllocationCoalescer(store, threads, 1 + random.nextInt(3), MAX_SETS);
                int callers = 32;
                int callsEach = 20;
                List<List<List<LabelSet>>> plans = new ArrayList<>();
                List<List<String>> owners = new ArrayList<>();
                for (int c = 0; c < callers; c++) {
                    List<List<LabelSet>> plan = new ArrayList<>();
                    List<String> who = new ArrayList<>();
                    for (int k = 0; k < callsEach; k++) {
                        String owner = "n" + random.nextInt(3);
                        who.add(owner);
                        plan.add(sets(random, owner, c, k));
                    }
                    plans.add(plan);
                    owners.add(who);
                }
                List<Future<?>> running = new ArrayList<>();
                List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
                for (int c = 0; c < callers; c++) {
                    int caller = c;
                    running.add(threads.submit(() -> {
                        for (int k = 0; k < callsEach; k++) {
                            List<LabelSet> sets = plans.get(caller).get(k);
                            boolean invalid = sets.stream().anyMatch(s -> s.canonical().contains("bad"));
                            try {
                                AllocateResponse r = coalescer.allocate(owners.get(caller).get(k), sets);
                                List<Integer> expected = sets.stream().map(AllocationCoalescerTest::idOf).toList();
                                List<Integer> got = r.getAllocationsList().stream().map(Allocation::getId).toList();
                                if (invalid || !expected.equals(got)) {
                                    wrong.add("caller " + caller + " call " + k + ": expected " + (invalid ? "INVALID_ARGUMENT" : expected) + ", got " + got);
                                }
                            } catch (StatusRuntimeException e) {
                                if (!invalid || e.getStatus().getCode() != Status.Code.INVALID_ARGUMENT) {
                                    wrong.add("caller " + caller + " call " + k + ": " + e.getStatus());
                                }
                            }
                        }
                    }));
                }
                for (Future<?> f : running) {
                    f.get();
                }
                assertEquals(List.of(), wrong);
                assertEquals(0, violations.get(), "RPCs with another owner's sets, no sets or more than " + MAX_SETS);
                assertTrue(rpcs.get() > 0);
                System.out.printf("coalescer simulation: %d calls in %d RPCs (resends of refused merged RPCs included)%n",
                        callers * callsEach, rpcs.get());
            }
        });
    }

    /** 1..6 sets of this owner; one call in ten holds one invalid set. */
    private static List<LabelSet> sets(RandomGenerator random, String owner, int caller, int call) {
        int n = 1 + random.nextInt(6);
        int bad = random.nextInt(10) == 0 ? random.nextInt(n) : -1;
        List<LabelSet> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String app = i == bad ? "bad-" + caller + "-" + call : "owner-" + owner + "-" + caller + "-" + call + "-" + i;
            out.add(LabelSet.parse(List.of("k8s:app=" + app)));
        }
        return out;
    }
}
