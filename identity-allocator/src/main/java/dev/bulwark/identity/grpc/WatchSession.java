package dev.bulwark.identity.grpc;

import com.google.protobuf.MessageLite;
import dev.bulwark.identity.IdentityChange;
import dev.bulwark.identity.IdentityRecord;
import dev.bulwark.identity.raft.ChangeFeed;
import dev.bulwark.proto.identity.v1.Identity;
import dev.bulwark.proto.identity.v1.IdentityChanges;
import dev.bulwark.proto.identity.v1.IdentitySnapshot;
import dev.bulwark.proto.identity.v1.WatchResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One Watch stream: subscribes to the {@link ChangeFeed}, sends the snapshot or replay, then live
 * changes. The feed's listener only enqueues (bounded); one virtual thread per stream sends, so a slow
 * watcher never holds up the apply thread. The sender honours gRPC flow control (it waits while the
 * transport is not ready) so a slow watcher's messages are not buffered without bound in this process;
 * a watcher that falls {@code maxQueued} changes behind is ended with ABORTED and resumes from the last
 * revision it saw.
 */
final class WatchSession implements ChangeFeed.Listener {

    private static final Object RESET = new Object();
    static final int SNAPSHOT_PART_BYTES = 1 << 20;
    static final int MAX_CHANGES_PER_MESSAGE = 1_000;

    private final ChangeFeed feed;
    private final ServerCallStreamObserver<WatchResponse> out;
    private final LinkedBlockingQueue<Object> queue;
    private volatile boolean done;
    private final ReentrantLock readyLock = new ReentrantLock();
    private final Condition ready = readyLock.newCondition();

    WatchSession(ChangeFeed feed, ServerCallStreamObserver<WatchResponse> out, int maxQueued) {
        this.feed = feed;
        this.out = out;
        this.queue = new LinkedBlockingQueue<>(maxQueued);
    }

    void start(long fromRevision) {
        ChangeFeed.Start start = feed.subscribe(fromRevision, this);
        out.setOnCancelHandler(() -> {
            done = true;
            feed.unsubscribe(this);
            wakeSender();
        });
        out.setOnReadyHandler(this::wakeSender);
        Thread.ofVirtual().name("watch").start(() -> run(start));
    }

    @Override
    public void onChanges(List<IdentityChange> changes) {
        for (IdentityChange c : changes) {
            if (!queue.offer(c)) {
                feed.unsubscribe(this);
                queue.clear();
                queue.offer(Status.ABORTED.withDescription("watcher fell behind; resume with from_revision = the last revision received"));
                return;
            }
        }
    }

    @Override
    public void onReset(long revision) {
        queue.clear();
        queue.offer(RESET);
    }

    private void run(ChangeFeed.Start start) {
        long last;
        try {
            if (start.snapshot() != null) {
                for (WatchResponse part : snapshotParts(start.snapshot().revision(), start.snapshot().all(), SNAPSHOT_PART_BYTES)) {
                    emit(part);
                }
                last = start.snapshot().revision();
            } else {
                last = send(start.replay(), 0);
            }
            while (!done) {
                Object next = queue.poll(1, TimeUnit.SECONDS);
                if (next == null) {
                    continue;
                }
                // Whatever queued meanwhile goes out with it, in as few messages as fit (a burst of allocations).
                List<Object> items = new ArrayList<>();
                items.add(next);
                queue.drainTo(items, MAX_CHANGES_PER_MESSAGE * 4);
                List<IdentityChange> changes = new ArrayList<>();
                for (Object item : items) {
                    if (item instanceof IdentityChange c) {
                        changes.add(c);
                        continue;
                    }
                    last = send(changes, last);
                    changes.clear();
                    if (item == RESET) {
                        out.onError(Status.UNAVAILABLE.withDescription("replica reloaded its table from a snapshot; resume with from_revision = "
                                + last).asRuntimeException());
                        return;
                    }
                    if (item instanceof Status st) {
                        out.onError(st.asRuntimeException());
                        return;
                    }
                }
                last = send(changes, last);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            feed.unsubscribe(this);
        }
    }

    /**
     * The table as snapshot messages of at most about {@code partBytes} each (the last with {@code more}
     * false): one message for the whole table passed gRPC's 4 MiB default limit at about 45,000
     * identities, and the watcher then never started.
     */
    static List<WatchResponse> snapshotParts(long revision, Iterable<IdentityRecord> table, int partBytes) {
        List<Identity> identities = new ArrayList<>();
        table.forEach(r -> identities.add(ProtoMapping.toProto(r)));
        List<List<Identity>> parts = chunks(identities, partBytes, Integer.MAX_VALUE);
        if (parts.isEmpty()) {
            parts = List.of(List.of());
        }
        List<WatchResponse> messages = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            messages.add(WatchResponse.newBuilder().setSnapshot(IdentitySnapshot.newBuilder().setRevision(revision)
                    .addAllIdentities(parts.get(i)).setMore(i < parts.size() - 1)).build());
        }
        return messages;
    }

    /**
     * Consecutive runs of {@code items}, each of at most {@code maxCount} items and about {@code maxBytes}
     * (an item larger than that alone); empty for no items.
     */
    static <T extends MessageLite> List<List<T>> chunks(List<T> items, int maxBytes, int maxCount) {
        List<List<T>> chunks = new ArrayList<>();
        int from = 0;
        while (from < items.size()) {
            int to = from;
            int bytes = 0;
            while (to < items.size() && to - from < maxCount) {
                int size = items.get(to).getSerializedSize() + 8; // field tag and length prefix
                if (to > from && bytes + size > maxBytes) {
                    break;
                }
                bytes += size;
                to++;
            }
            chunks.add(items.subList(from, to));
            from = to;
        }
        return chunks;
    }

    private void wakeSender() {
        readyLock.lock();
        try {
            ready.signalAll();
        } finally {
            readyLock.unlock();
        }
    }

    /** Sends one message once the transport is ready for it (nothing once the watcher is gone). */
    private void emit(WatchResponse message) throws InterruptedException {
        readyLock.lock();
        try {
            while (!out.isReady() && !done) {
                ready.await(1, TimeUnit.SECONDS);
            }
        } finally {
            readyLock.unlock();
        }
        if (!done) {
            out.onNext(message);
        }
    }

    /** Sends changes newer than {@code last}; returns the newest revision sent. */
    private long send(List<IdentityChange> changes, long last) throws InterruptedException {
        List<dev.bulwark.proto.identity.v1.IdentityChange> fresh = new ArrayList<>();
        for (IdentityChange c : changes) {
            if (c.revision() > last) {
                fresh.add(ProtoMapping.toProto(c));
                last = c.revision();
            }
        }
        for (WatchResponse m : changeMessages(fresh, SNAPSHOT_PART_BYTES)) {
            emit(m);
        }
        return last;
    }

    /**
     * Consecutive changes as messages of at most {@link #MAX_CHANGES_PER_MESSAGE} changes and about
     * {@code maxBytes}: a lone change as {@code change}, several as {@code changes}.
     */
    static List<WatchResponse> changeMessages(List<dev.bulwark.proto.identity.v1.IdentityChange> changes, int maxBytes) {
        List<WatchResponse> messages = new ArrayList<>();
        for (List<dev.bulwark.proto.identity.v1.IdentityChange> run : chunks(changes, maxBytes, MAX_CHANGES_PER_MESSAGE)) {
            messages.add(run.size() == 1 ? WatchResponse.newBuilder().setChange(run.getFirst()).build()
                    : WatchResponse.newBuilder().setChanges(IdentityChanges.newBuilder().addAllChanges(run)).build());
        }
        return messages;
    }
}
