package dev.bulwark.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bulwark.identity.raft.ChangeFeed;
import dev.bulwark.model.LabelSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Watch semantics: replay from retained history, snapshot when compacted, no gap or duplicate at the seam. */
class ChangeFeedTest {

    private final IdentityAllocator allocator = new IdentityAllocator(AllocationPolicy.defaults(1));

    private static final class Collecting implements ChangeFeed.Listener {
        final List<Long> revisions = new ArrayList<>();
        long reset = -1;

        @Override
        public void onChanges(List<IdentityChange> changes) {
            changes.forEach(c -> revisions.add(c.revision()));
        }

        @Override
        public void onReset(long revision) {
            reset = revision;
        }
    }

    private IdentityTable allocate(ChangeFeed feed, IdentityTable table, int i) {
        Transition t = allocator.apply(table, new IdentityCommand.Allocate("n1", List.of(LabelSet.parse(List.of("app=a" + i)))), 1000);
        feed.publish(t.table(), t.changes());
        return t.table();
    }

    @Test
    void replaysRetainedHistoryThenFollowsLive() {
        ChangeFeed feed = new ChangeFeed(10);
        IdentityTable table = IdentityTable.empty();
        for (int i = 0; i < 5; i++) {
            table = allocate(feed, table, i);
        }
        Collecting live = new Collecting();
        ChangeFeed.Start start = feed.subscribe(2, live);
        assertNull(start.snapshot());
        assertEquals(List.of(3L, 4L, 5L), start.replay().stream().map(IdentityChange::revision).toList());
        allocate(feed, table, 5);
        assertEquals(List.of(6L), live.revisions, "the next live change follows the replay with no gap");
    }

    @Test
    void compactedHistoryOrZeroStartsWithASnapshot() {
        ChangeFeed feed = new ChangeFeed(3);
        IdentityTable table = IdentityTable.empty();
        for (int i = 0; i < 6; i++) {
            table = allocate(feed, table, i);
        }
        assertEquals(3, feed.floor());
        ChangeFeed.Start old = feed.subscribe(1, new Collecting());
        assertNotNull(old.snapshot());
        assertEquals(6, old.snapshot().revision());
        assertNotNull(feed.subscribe(0, new Collecting()).snapshot());
        assertEquals(List.of(4L, 5L, 6L), feed.subscribe(3, new Collecting()).replay().stream().map(IdentityChange::revision).toList());
        assertThrows(ChangeFeed.FutureRevisionException.class, () -> feed.subscribe(7, new Collecting()));
    }

    @Test
    void resetTellsWatchersToResubscribe() {
        ChangeFeed feed = new ChangeFeed(10);
        Collecting w = new Collecting();
        IdentityTable table = allocate(feed, IdentityTable.empty(), 0);
        feed.subscribe(0, w);
        feed.reset(table);
        assertEquals(1, w.reset);
        allocate(feed, table, 1);
        assertEquals(List.of(), w.revisions, "a reset watcher is no longer fed");
    }
}
