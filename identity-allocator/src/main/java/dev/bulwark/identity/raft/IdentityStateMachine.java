package dev.bulwark.identity.raft;

import dev.bulwark.identity.IdentityAllocator;
import dev.bulwark.identity.IdentityTable;
import dev.bulwark.identity.Outcome;
import dev.bulwark.identity.Transition;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;

/**
 * The Ratis state machine: decodes each committed entry, runs the pure
 * {@link IdentityAllocator#apply}, publishes the next table to the {@link ChangeFeed} together with the
 * applied index, and completes the futures the leader's group commit registered for that entry.
 * Snapshots write the table to one file; {@link #reinitialize()} reloads it.
 *
 * <p>Reads: {@link #query} is a barrier. Ratis calls it only once this replica has applied up to the
 * leader's read index (LINEARIZABLE reads), so the caller then reads {@link #table()} directly.
 *
 * <p>Thread model: Ratis applies entries on one thread in log order; the table reference and the
 * applied index change together under {@code this}, which {@link #takeSnapshot()} also holds to read
 * a consistent pair.
 */
public final class IdentityStateMachine extends BaseStateMachine {

    private final IdentityAllocator allocator;
    private final ChangeFeed feed;
    private final ApplyObserver observer;
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final Map<Long, CompletableFuture<List<Outcome>>> waiting = new ConcurrentHashMap<>();
    // Diagnostics only (SnapshotLoads): where the table last came from a snapshot file.
    private volatile long loadedAtStart = -1;
    private final AtomicInteger installs = new AtomicInteger();
    private volatile long lastInstalled = -1;

    public IdentityStateMachine(IdentityAllocator allocator, ChangeFeed feed, ApplyObserver observer) {
        this.allocator = allocator;
        this.feed = feed;
        this.observer = observer;
    }

    public IdentityTable table() {
        return feed.table();
    }

    public ChangeFeed feed() {
        return feed;
    }

    /** Registers interest in the outcomes of the entry with {@code batchId} (leader side of group commit). */
    public CompletableFuture<List<Outcome>> expect(long batchId) {
        CompletableFuture<List<Outcome>> f = new CompletableFuture<>();
        waiting.put(batchId, f);
        return f;
    }

    /** Stops waiting for {@code batchId} (its proposal failed; a later apply of it completes nothing). */
    public void forget(long batchId) {
        waiting.remove(batchId);
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        for (Path aside : SnapshotFiles.setAsideIncomplete(
                raftStorage.getStorageDir().getStateMachineDir().toPath())) {
            System.getLogger(IdentityStateMachine.class.getName()).log(System.Logger.Level.WARNING,
                    "snapshot without checksum (a write cut short) set aside as {0}; starting from the previous"
                            + " snapshot and the log", aside);
        }
        storage.init(raftStorage);
        loadedAtStart = load(storage.loadLatestSnapshot());
        getLifeCycle().transition(LifeCycle.State.STARTING);
        getLifeCycle().transition(LifeCycle.State.RUNNING);
    }

    /**
     * Ratis pauses the state machine before it installs a leader's snapshot and then asserts, before
     * {@link #reinitialize()}, that it is PAUSED. The base class's pause does nothing, so every snapshot
     * install (a follower that fell behind the leader's purged log, e.g. restarted after a kill) failed
     * that assertion and closed the replica's Raft group: the process stayed up and never served again.
     */
    @Override
    public void pause() {
        if (getLifeCycleState() == LifeCycle.State.RUNNING) {
            getLifeCycle().transition(LifeCycle.State.PAUSING);
            getLifeCycle().transition(LifeCycle.State.PAUSED);
        }
    }

    @Override
    public void reinitialize() throws IOException {
        lastInstalled = load(storage.loadLatestSnapshot());
        installs.incrementAndGet();
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        TermIndex termIndex = TermIndex.valueOf(entry);
        LogEntry decoded = LogEntryCodec.decode(entry.getStateMachineLogEntry().getLogData().newInput());
        long start = System.nanoTime();
        Transition t = allocator.apply(feed.table(), termIndex.getTerm(), decoded.commands(), decoded.timeMs());
        synchronized (this) {
            feed.publish(t.table(), t.changes());
            updateLastAppliedTermIndex(termIndex);
        }
        observer.applied(t, System.nanoTime() - start);
        CompletableFuture<List<Outcome>> f = waiting.remove(decoded.batchId());
        if (f != null) {
            f.complete(t.outcomes());
        }
        return CompletableFuture.completedFuture(Message.EMPTY);
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        return CompletableFuture.completedFuture(Message.EMPTY);
    }

    @Override
    public long takeSnapshot() throws IOException {
        IdentityTable table;
        TermIndex last;
        synchronized (this) {
            table = feed.table();
            last = getLastAppliedTermIndex();
        }
        if (last == null || last.getIndex() < 0) {
            return -1;
        }
        File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        FileInfo info = new FileInfo(file.toPath(), SnapshotFiles.write(table, file));
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(info, last));
        return last.getIndex();
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        observer.leaderChanged(newLeaderId == null ? "" : newLeaderId.toString());
    }

    /**
     * The snapshots this state machine loaded: the one it started from (-1: none) and those a leader
     * installed (Ratis calls {@link #reinitialize()} only after an install). For diagnostics: a replica
     * that does not catch up shows whether it got a snapshot and which.
     */
    public SnapshotLoads snapshotLoads() {
        return new SnapshotLoads(loadedAtStart, installs.get(), lastInstalled);
    }

    /** See {@link #snapshotLoads()}; indices are -1 when there was none. */
    public record SnapshotLoads(long atStart, int installs, long lastInstalled) {
        @Override
        public String toString() {
            return "loaded at start " + atStart + ", installed " + installs
                    + (installs == 0 ? "" : " (last " + lastInstalled + ")");
        }
    }

    /** Loads {@code snapshot} (if any) into the table; returns its index, -1 if there was none. */
    private long load(SingleFileSnapshotInfo snapshot) throws IOException {
        if (snapshot == null) {
            return -1;
        }
        File file = snapshot.getFile().getPath().toFile();
        if (snapshot.getFile().getFileDigest() == null) {
            throw new IOException("snapshot " + file + " has no checksum file (" + file.getName() + ".md5)");
        }
        MD5FileUtil.verifySavedMD5(file, snapshot.getFile().getFileDigest());
        IdentityTable table = TableSnapshotFormat.read(file.toPath());
        synchronized (this) {
            feed.reset(table);
            updateLastAppliedTermIndex(snapshot.getTermIndex());
        }
        return snapshot.getIndex();
    }
}
