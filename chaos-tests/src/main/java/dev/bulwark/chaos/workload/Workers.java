package dev.bulwark.chaos.workload;

import dev.bulwark.chaos.client.ClientProcess;
import dev.bulwark.chaos.client.Completion;
import dev.bulwark.chaos.client.LabelSets;
import dev.bulwark.chaos.client.StoreClient;
import dev.bulwark.chaos.generator.OpGenerator;
import dev.bulwark.chaos.generator.Phase;
import dev.bulwark.chaos.generator.PlannedOp;
import dev.bulwark.chaos.history.HistoryRecorder;
import dev.bulwark.chaos.history.OpType;
import dev.bulwark.chaos.history.OpValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The client worker threads. Each takes the next planned operation (under this object's lock), waits
 * for its time, invokes it and records invocation and completion. After an {@code info} completion the
 * worker continues as a fresh process ({@code process + workers}), as Jepsen does. Final reads wait until
 * the conductor has recorded the final-reads phase marker. A timed operation whose worker reaches it only
 * after quiesce has begun is skipped, so the phases stay clean when the store is slower than the rate.
 */
final class Workers {

    private static final int FINAL_READ_ATTEMPTS = 5;

    private final int count;
    private final long quiesceNanos;
    private final OpGenerator generator;
    private final HistoryRecorder history;
    private final StoreClient client;
    private final CountDownLatch finalPhase = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    Workers(int count, long quiesceNanos, OpGenerator generator, HistoryRecorder history, StoreClient client) {
        this.count = count;
        this.quiesceNanos = quiesceNanos;
        this.generator = generator;
        this.history = history;
        this.client = client;
    }

    void start() {
        for (int i = 0; i < count; i++) {
            int first = i;
            threads.add(Thread.ofPlatform().name("chaos-worker-" + i).start(() -> work(first)));
        }
    }

    /** Lets final reads begin (called right after the final-reads marker is recorded). */
    void finalPhaseRecorded() {
        finalPhase.countDown();
    }

    private synchronized Optional<PlannedOp> next() {
        return stopping ? Optional.empty() : generator.next();
    }

    private void work(int firstProcess) {
        int process = firstProcess;
        ClientProcess cp = client.open(process);
        try {
            for (Optional<PlannedOp> next = next(); next.isPresent(); next = next()) {
                PlannedOp op = next.get();
                if (op.phase() == Phase.FINAL_READS) {
                    finalPhase.await();
                }
                long wait = op.atNanos() - history.elapsedNanos();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                if (stopping) {
                    return;
                }
                if (op.phase() != Phase.FINAL_READS && history.elapsedNanos() >= quiesceNanos) {
                    continue; // Too late: a timed operation never runs into quiesce or the final reads.
                }
                // Final reads are retried (each attempt recorded) so every key gets a successful one.
                int attempts = op.phase() == Phase.FINAL_READS ? FINAL_READ_ATTEMPTS : 1;
                for (int a = 0; a < attempts && !stopping; a++) {
                    String key = LabelSets.of(op.key()).canonical();
                    history.append(OpType.INVOKE, process, op.f(), OpValue.ofKey(key), null);
                    // A retried final read goes to the next replica: one stuck replica must not hide the rest.
                    Completion c = (a == 0 ? cp : client.open(process, a)).invoke(op.f(), op.key());
                    history.append(c.type(), process, op.f(), c.value(), c.error());
                    if (c.type() == OpType.INFO) {
                        process += count;
                        cp = client.open(process);
                    }
                    if (c.type() == OpType.OK) {
                        break;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for every worker to run out of operations; false if they did not within the time. */
    boolean join(long maxMillis) throws InterruptedException {
        long until = System.currentTimeMillis() + maxMillis;
        for (Thread t : threads) {
            t.join(Math.max(1, until - System.currentTimeMillis()));
        }
        return threads.stream().noneMatch(Thread::isAlive);
    }

    /** Stops handing out operations and interrupts workers still waiting. */
    void stop() throws InterruptedException {
        stopping = true;
        finalPhase.countDown();
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            t.join(10_000);
        }
    }
}
