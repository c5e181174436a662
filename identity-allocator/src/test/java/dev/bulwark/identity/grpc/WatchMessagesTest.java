package dev.bulwark.identity.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.identity.IdentityRecord;
import dev.bulwark.model.Label;
import dev.bulwark.model.LabelSet;
import dev.bulwark.proto.identity.v1.Identity;
import dev.bulwark.proto.identity.v1.WatchResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Watch messages: a snapshot is split into parts under gRPC's message limit, a burst of changes is packed
 * into few messages; nothing is lost, repeated or reordered.
 */
class WatchMessagesTest {

    private static List<IdentityRecord> table(int n) {
        List<IdentityRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            LabelSet labels = LabelSet.of(new Label("k8s", "app", "app-" + i),
                    new Label("k8s", "io.kubernetes.pod.namespace", "namespace-" + (i % 100)));
            records.add(new IdentityRecord(256 + i, labels, List.of("node-" + (i % 10)), i + 1, 0, 0));
        }
        return records;
    }

    @Test
    void aTableThatOnceOverflowedOneMessageComesInPartsUnderTheLimit() {
        // 60,000 identities were 5.5 MB as one message (gRPC's default limit is 4 MiB): the view never started.
        List<WatchResponse> parts = WatchSession.snapshotParts(77, table(60_000), WatchSession.SNAPSHOT_PART_BYTES);
        assertTrue(parts.size() > 1, "parts: " + parts.size());
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            WatchResponse part = parts.get(i);
            assertTrue(part.getSerializedSize() <= WatchSession.SNAPSHOT_PART_BYTES + 1024, "part " + i + ": " + part.getSerializedSize());
            assertEquals(77, part.getSnapshot().getRevision());
            assertEquals(i < parts.size() - 1, part.getSnapshot().getMore(), "part " + i + " of " + parts.size());
            part.getSnapshot().getIdentitiesList().stream().map(Identity::getId).forEach(ids::add);
        }
        assertEquals(table(60_000).stream().map(IdentityRecord::id).toList(), ids);
    }

    @Test
    void aSmallOrEmptyTableIsOneCompleteMessage() {
        List<WatchResponse> small = WatchSession.snapshotParts(5, table(3), WatchSession.SNAPSHOT_PART_BYTES);
        assertEquals(1, small.size());
        assertEquals(3, small.getFirst().getSnapshot().getIdentitiesCount());
        assertFalse(small.getFirst().getSnapshot().getMore());
        List<WatchResponse> empty = WatchSession.snapshotParts(0, List.of(), WatchSession.SNAPSHOT_PART_BYTES);
        assertEquals(1, empty.size());
        assertEquals(0, empty.getFirst().getSnapshot().getIdentitiesCount());
        assertFalse(empty.getFirst().getSnapshot().getMore());
    }

    @Test
    void anIdentityLargerThanAPartStillGoesOutAlone() {
        List<WatchResponse> parts = WatchSession.snapshotParts(9, table(4), 10);
        assertEquals(4, parts.size());
        parts.forEach(p -> assertEquals(1, p.getSnapshot().getIdentitiesCount()));
    }

    private static List<dev.bulwark.proto.identity.v1.IdentityChange> changes(int n) {
        List<dev.bulwark.proto.identity.v1.IdentityChange> out = new ArrayList<>();
        List<IdentityRecord> records = table(n);
        for (int i = 0; i < n; i++) {
            out.add(ProtoMapping.toProto(new dev.bulwark.identity.IdentityChange(100 + i,
                    i % 7 == 6 ? dev.bulwark.identity.IdentityChange.Type.RELEASED : dev.bulwark.identity.IdentityChange.Type.ALLOCATED,
                    records.get(i))));
        }
        return out;
    }

    @Test
    void aBurstOfChangesIsPackedInOrderIntoBoundedMessages() {
        List<dev.bulwark.proto.identity.v1.IdentityChange> burst = changes(2_500);
        List<WatchResponse> messages = WatchSession.changeMessages(burst, WatchSession.SNAPSHOT_PART_BYTES);
        assertEquals(3, messages.size(), "1,000 changes per message at most");
        List<dev.bulwark.proto.identity.v1.IdentityChange> seen = new ArrayList<>();
        for (WatchResponse m : messages) {
            assertTrue(m.hasChanges());
            assertTrue(m.getChanges().getChangesCount() <= WatchSession.MAX_CHANGES_PER_MESSAGE);
            seen.addAll(m.getChanges().getChangesList());
        }
        assertEquals(burst, seen);
        // A byte bound splits earlier; a lone change keeps the one-change form.
        List<WatchResponse> small = WatchSession.changeMessages(burst.subList(0, 10), 300);
        assertTrue(small.size() > 1, "messages: " + small.size());
        assertEquals(burst.subList(0, 10), small.stream().flatMap(m -> m.hasChanges() ? m.getChanges().getChangesList().stream()
                : java.util.stream.Stream.of(m.getChange())).toList());
        List<WatchResponse> one = WatchSession.changeMessages(burst.subList(0, 1), WatchSession.SNAPSHOT_PART_BYTES);
        assertEquals(1, one.size());
        assertTrue(one.getFirst().hasChange());
        assertEquals(burst.getFirst(), one.getFirst().getChange());
        assertEquals(List.of(), WatchSession.changeMessages(List.of(), WatchSession.SNAPSHOT_PART_BYTES));
    }
}
