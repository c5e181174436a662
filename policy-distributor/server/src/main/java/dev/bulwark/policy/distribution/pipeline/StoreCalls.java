package dev.bulwark.policy.distribution.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.BiFunction;

/**
 * One blocking identity-store call per node, many at once. Allocate, KeepAlive and Release are Raft writes
 * that return once committed, and the allocator commits concurrent writes in one log entry. One after
 * another, calls for N nodes cost N commit rounds: at about 5 ms each, 25 s for 5,000 nodes.
 *
 * <p>Thread model: the calls run on virtual threads, at most {@code inFlight} at once; {@link #each}
 * returns on its caller's thread once every call has ended, so the caller applies the results alone.
 */
final class StoreCalls {

    /** Store calls of one batch in flight at once. */
    static final int IN_FLIGHT = 64;

    /**
     * What the calls returned, per node, in the order of the arguments.
     *
     * @param failures the nodes whose call threw, with what it threw
     */
    record Results<V>(Map<String, V> values, Map<String, RuntimeException> failures) {

        /**
         * The first failure when every failure is the store being unavailable. Any other failure (bad input
         * or a bug, which retrying does not cure) is thrown.
         */
        Optional<IdentitySource.IdentityUnavailableException> unavailable() {
            for (RuntimeException failure : failures.values()) {
                if (!(failure instanceof IdentitySource.IdentityUnavailableException)) {
                    throw failure;
                }
            }
            return failures.values().stream().map(IdentitySource.IdentityUnavailableException.class::cast).findFirst();
        }
    }

    private StoreCalls() {
    }

    /**
     * Calls {@code call} once per entry of {@code args}, at most {@code inFlight} at once, and waits for all.
     * When the caller is interrupted, the calls started are interrupted and waited for, then the interrupt
     * is thrown. An {@link Error} of a call is rethrown.
     */
    static <A, V> Results<V> each(Map<String, A> args, int inFlight, BiFunction<String, A, V> call) throws InterruptedException {
        Semaphore slots = new Semaphore(inFlight);
        List<String> nodes = new ArrayList<>(args.size());
        List<Future<V>> calls = new ArrayList<>(args.size());
        // close() waits for every call started.
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            try {
                for (Map.Entry<String, A> arg : args.entrySet()) {
                    slots.acquire();
                    nodes.add(arg.getKey());
                    calls.add(threads.submit(() -> {
                        try {
                            return call.apply(arg.getKey(), arg.getValue());
                        } finally {
                            slots.release();
                        }
                    }));
                }
            } catch (InterruptedException e) {
                threads.shutdownNow();
                throw e;
            }
        }
        Map<String, V> values = new LinkedHashMap<>();
        Map<String, RuntimeException> failures = new LinkedHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            try {
                values.put(nodes.get(i), calls.get(i).get());
            } catch (ExecutionException e) {
                switch (e.getCause()) {
                    case RuntimeException r -> failures.put(nodes.get(i), r);
                    case Error error -> throw error;
                    default -> throw new IllegalStateException("unexpected checked exception from a store call", e.getCause());
                }
            }
        }
        return new Results<>(values, failures);
    }
}
