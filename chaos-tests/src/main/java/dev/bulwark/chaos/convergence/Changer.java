package dev.bulwark.chaos.convergence;

import dev.bulwark.chaos.history.HistoryRecorder;
import dev.bulwark.chaos.history.OpType;
import dev.bulwark.chaos.history.OpValue;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes one seeded input change every {@code 1/rate} seconds into the watched directory until stopped,
 * each as a history operation of process 0 ({@code f} = the change, e.g. {@code put-cnp}; detail = the file
 * or pod and what changed). The current inputs advance only after the files are written. A write that
 * fails stops the changer ({@link #failure()}): the directory and the inputs would no longer agree.
 * Runs on its own thread.
 */
final class Changer implements Runnable {

    private final HistoryRecorder history;
    private final Path dir;
    private final AtomicReference<ClusterInputs> current;
    private final SplittableRandom random;
    private final long periodNanos;
    private volatile boolean running = true;
    private volatile int written;
    private volatile String failure;

    Changer(HistoryRecorder history, Path dir, AtomicReference<ClusterInputs> current, SplittableRandom random, int rate) {
        this.history = history;
        this.dir = dir;
        this.current = current;
        this.random = random;
        this.periodNanos = 1_000_000_000L / rate;
    }

    void stop() {
        running = false;
    }

    int written() {
        return written;
    }

    String failure() {
        return failure;
    }

    @Override
    public void run() {
        long next = history.elapsedNanos();
        while (running) {
            long wait = next - history.elapsedNanos();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
            if (!running) {
                return;
            }
            next += periodNanos;
            ClusterInputs before = current.get();
            InputGenerator.Change c = InputGenerator.next(before, random);
            String detail = c.target() + (c.detail() == null ? "" : " " + c.detail());
            history.append(OpType.INVOKE, 0, c.f(), OpValue.ofDetail(detail), null);
            try {
                ConvergenceRun.write(dir, before.files(), c.after().files());
            } catch (IOException e) {
                failure = e.toString();
                history.append(OpType.INFO, 0, c.f(), OpValue.ofDetail(detail), e.toString());
                return;
            }
            current.set(c.after());
            written++;
            history.append(OpType.OK, 0, c.f(), OpValue.ofDetail(detail), null);
        }
    }
}
