package dev.bulwark.identity.raft;

import dev.bulwark.identity.IdentityChange;
import dev.bulwark.identity.IdentityTable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The applied table and the recent changes, for readers and watchers. The state machine publishes each
 * applied entry here; a watcher subscribes from a revision and gets, atomically, either the retained
 * changes after that revision or (when they were compacted away or the replica was reloaded from a
 * snapshot) the whole table, followed by every later change.
 *
 * <p>Thread model: {@link #publish} runs on the Ratis apply thread; subscribe/unsubscribe on gRPC
 * threads; both under this object's monitor, so a subscriber never misses or duplicates a change.
 * Listeners are called under the monitor and must only enqueue.
 */
public final class ChangeFeed {

    /** Receives changes in revision order; must not block. */
    public interface Listener {
        void onChanges(List<IdentityChange> changes);

        /** The replica replaced its table from a snapshot; the listener must resubscribe. */
        void onReset(long revision);
    }

    /**
     * Where a new subscription starts.
     *
     * @param snapshot the whole table to send first, or null when {@code replay} covers the gap
     * @param replay   retained changes with revision greater than the requested one
     */
    public record Start(IdentityTable snapshot, List<IdentityChange> replay) {
    }

    /** The requested revision is newer than anything applied here. */
    public static final class FutureRevisionException extends IllegalArgumentException {
        public FutureRevisionException(long requested, long current) {
            super("from_revision " + requested + " is newer than this replica's revision " + current);
        }
    }

    private final int maxHistory;
    private final ArrayDeque<IdentityChange> history = new ArrayDeque<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile IdentityTable table = IdentityTable.empty();
    /** Every change with revision greater than this is in {@link #history}. */
    private long floor;

    public ChangeFeed(int maxHistory) {
        this.maxHistory = maxHistory;
    }

    public IdentityTable table() {
        return table;
    }

    public synchronized void publish(IdentityTable next, List<IdentityChange> changes) {
        table = next;
        if (changes.isEmpty()) {
            return;
        }
        for (IdentityChange c : changes) {
            history.addLast(c);
        }
        while (history.size() > maxHistory) {
            floor = history.removeFirst().revision();
        }
        for (Listener l : listeners) {
            l.onChanges(changes);
        }
    }

    /** Replaces the table (snapshot load); history restarts at its revision; listeners are told to resubscribe. */
    public synchronized void reset(IdentityTable loaded) {
        table = loaded;
        history.clear();
        floor = loaded.revision();
        for (Listener l : listeners) {
            l.onReset(loaded.revision());
        }
        listeners.clear();
    }

    public synchronized Start subscribe(long fromRevision, Listener listener) {
        IdentityTable current = table;
        if (fromRevision > current.revision()) {
            throw new FutureRevisionException(fromRevision, current.revision());
        }
        Start start;
        if (fromRevision == 0 || fromRevision < floor) {
            start = new Start(current, List.of());
        } else {
            List<IdentityChange> replay = new ArrayList<>();
            for (IdentityChange c : history) {
                if (c.revision() > fromRevision) {
                    replay.add(c);
                }
            }
            start = new Start(null, replay);
        }
        listeners.add(listener);
        return start;
    }

    public void unsubscribe(Listener listener) {
        listeners.remove(listener);
    }

    /** The oldest revision a watcher can resume from without a full snapshot. */
    public synchronized long floor() {
        return floor;
    }
}
