package dev.bulwark.identity.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Runs one measured phase: {@code clients} virtual threads, each doing one operation at a time (closed
 * loop), until the items run out or the deadline passes; latencies into an HdrHistogram.
 */
final class LoadPhase {

    /** One operation; {@code client} is the worker index, {@code item} the work item index. */
    @FunctionalInterface
    interface Operation {
        void run(int client, int item) throws Exception;
    }

    /**
     * @param ops        operations completed
     * @param errors     operations that threw
     * @param seconds    wall time of the phase
     * @param latency    per-operation latency in microseconds
     */
    record Measured(long ops, long errors, double seconds, Histogram latency) {
        double perSecond() {
            return seconds == 0 ? 0 : ops / seconds;
        }

        double p50Ms() {
            return latency.getValueAtPercentile(50) / 1000.0;
        }

        double p99Ms() {
            return latency.getValueAtPercentile(99) / 1000.0;
        }
    }

    private LoadPhase() {
    }

    /**
     * Runs items {@code 0..items-1} (unbounded when items is -1) for at most {@code durationNanos} (no
     * limit when 0 and items are bounded; nothing at all when 0 and items are unbounded).
     */
    static Measured run(int clients, int items, long durationNanos, Operation op) throws InterruptedException {
        Recorder recorder = new Recorder(3);
        if (items < 0 && durationNanos <= 0) {
            return new Measured(0, 0, 0, recorder.getIntervalHistogram());
        }
        AtomicInteger next = new AtomicInteger();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        long deadline = durationNanos <= 0 ? Long.MAX_VALUE : start + durationNanos;
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < deadline) {
                    int item = next.getAndIncrement();
                    if (items >= 0 && item >= items) {
                        return;
                    }
                    long t0 = System.nanoTime();
                    try {
                        op.run(client, item);
                        recorder.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                        ok.incrementAndGet();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Measured(ok.get(), failed.get(), seconds, recorder.getIntervalHistogram());
    }
}
