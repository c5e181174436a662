package dev.bulwark.chaos.history;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Appends lines to the history of a running test. Thread-safe: workers, the watcher and the nemesis
 * append concurrently; one lock assigns the index and reads the clock, so index order is time order.
 * Each line is also written to the JSONL file (when one is given) as it is recorded, so a crashed run
 * still leaves its history behind.
 */
public final class HistoryRecorder implements AutoCloseable {

    private final LongSupplier nanoTime;
    private final long origin;
    private final BufferedWriter sink;
    private final List<Op> ops = new ArrayList<>();

    /**
     * @param nanoTime monotonic clock (System::nanoTime in a run, a fake in tests)
     * @param file     JSONL file to append to, or null to keep the history in memory only
     */
    public HistoryRecorder(LongSupplier nanoTime, Path file) {
        this.nanoTime = nanoTime;
        this.origin = nanoTime.getAsLong();
        try {
            this.sink = file == null ? null : Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create history file " + file, e);
        }
    }

    /** Records a line now and returns it. */
    public synchronized Op append(OpType type, int process, String f, OpValue value, String error) {
        Op op = new Op(ops.size(), type, process, f, value, error, nanoTime.getAsLong() - origin);
        ops.add(op);
        if (sink != null) {
            try {
                sink.write(HistoryJson.line(op));
                sink.newLine();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to the history file", e);
            }
        }
        return op;
    }

    /** Nanoseconds since the recorder was created, on the history's clock. */
    public long elapsedNanos() {
        return nanoTime.getAsLong() - origin;
    }

    /** A snapshot of everything recorded so far. */
    public synchronized History history() {
        return new History(ops);
    }

    @Override
    public synchronized void close() {
        if (sink != null) {
            try {
                sink.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close the history file", e);
            }
        }
    }
}
