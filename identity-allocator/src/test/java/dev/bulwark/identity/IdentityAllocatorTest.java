package dev.bulwark.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.model.IdentityLayout;
import dev.bulwark.model.LabelSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdentityAllocatorTest {

    private static final long T0 = 1_700_000_000_000L;
    private final AllocationPolicy policy = new AllocationPolicy(3, IdentityLayout.DEFAULT, Duration.ofSeconds(60),
            Duration.ofMinutes(5), Duration.ofMinutes(15), Map.of(200, LabelSet.parse(List.of("k8s:app=pinned"))));
    private final IdentityAllocator allocator = new IdentityAllocator(policy);

    private static LabelSet set(String... labels) {
        return LabelSet.parse(List.of(labels));
    }

    /** Log time passing normally: the leader's Tick every second up to {@code toMs}, in one term. */
    private IdentityTable idle(IdentityTable table, long toMs) {
        for (long t = table.timeMs() + 1000; t < toMs; t += 1000) {
            table = allocator.apply(table, new IdentityCommand.Tick(), t).table();
        }
        return allocator.apply(table, new IdentityCommand.Tick(), toMs).table();
    }

    private static Outcome.Allocated allocated(Transition t) {
        return assertInstanceOf(Outcome.Allocated.class, t.outcomes().getFirst());
    }

    @Test
    void numbersFromTheClusterRangeAndSameSetSameId() {
        Transition t = allocator.apply(IdentityTable.empty(), new IdentityCommand.Allocate("n1",
                List.of(set("app=web"), set("app=db"), set("app=web"))), T0);
        List<Outcome.Allocation> a = allocated(t).allocations();
        assertEquals(3 << 16, a.get(0).id(), "cluster 3 starts at 3<<16");
        assertEquals((3 << 16) + 1, a.get(1).id());
        assertEquals(a.get(0).id(), a.get(2).id());
        assertTrue(a.get(0).created());
        assertFalse(a.get(2).created(), "second mention in the same call is not a creation");
        assertEquals(2, t.changes().size());
        assertEquals(2, t.table().revision());

        Transition again = allocator.apply(t.table(), new IdentityCommand.Allocate("n2", List.of(set("app=web"))), T0 + 1);
        assertEquals(a.get(0).id(), allocated(again).allocations().getFirst().id());
        assertFalse(allocated(again).allocations().getFirst().created());
        assertEquals(List.of("n1", "n2"), again.table().byId(a.get(0).id()).orElseThrow().owners());
        assertTrue(again.changes().isEmpty(), "a new reference is not a watch change");
    }

    @Test
    void reservedAndPinnedSetsHaveFixedIdsAndNoReferences() {
        Transition t = allocator.apply(IdentityTable.empty(), new IdentityCommand.Allocate("n1",
                List.of(set("reserved:host"), set("reserved:world"), set("k8s:app=pinned"), set("reserved:host", "app=x"))), T0);
        List<Outcome.Allocation> a = allocated(t).allocations();
        assertEquals(List.of(1, 2, 200, 1), a.stream().map(Outcome.Allocation::id).toList());
        assertEquals(0, t.table().size());
    }

    @Test
    void releaseIsIdempotentAndGraceThenQuarantineFollowLogTime() {
        Transition t = allocator.apply(IdentityTable.empty(), new IdentityCommand.Allocate("n1", List.of(set("app=web"))), T0);
        int id = allocated(t).allocations().getFirst().id();
        IdentityTable table = t.table();
        for (int i = 0; i < 2; i++) {
            table = allocator.apply(table, new IdentityCommand.Release("n1", List.of(id, 12345 + (3 << 16))), T0 + 1000).table();
        }
        assertEquals(T0 + 1000, table.byId(id).orElseThrow().unreferencedSinceMs());
        table = idle(table, T0 + 1000 + 299_000);
        table = allocator.apply(table, new IdentityCommand.KeepAlive("n1"), T0 + 1000 + 299_999).table();
        assertTrue(table.byId(id).isPresent(), "still inside the 5 minute grace period");

        Transition released = allocator.apply(table, new IdentityCommand.Tick(), T0 + 1000 + 300_000);
        assertTrue(released.table().byId(id).isEmpty());
        assertEquals(IdentityChange.Type.RELEASED, released.changes().getFirst().type());
        assertTrue(released.table().quarantined(id));

        Transition reuse = allocator.apply(released.table(), new IdentityCommand.Allocate("n1", List.of(set("app=other"))), T0 + 400_000);
        assertNotEquals(id, allocated(reuse).allocations().getFirst().id(), "quarantined number not reused");
        IdentityTable later = allocator.apply(reuse.table(), new IdentityCommand.Tick(), T0 + 1000 + 300_000 + 900_000).table();
        assertFalse(later.quarantined(id), "quarantine ends after 15 minutes");
    }

    @Test
    void reReferencingInGracePeriodKeepsTheIdentity() {
        Transition t = allocator.apply(IdentityTable.empty(), new IdentityCommand.Allocate("n1", List.of(set("app=web"))), T0);
        int id = allocated(t).allocations().getFirst().id();
        IdentityTable table = allocator.apply(t.table(), new IdentityCommand.Release("n1", List.of(id)), T0).table();
        table = allocator.apply(table, new IdentityCommand.Allocate("n2", List.of(set("app=web"))), T0 + 10_000).table();
        assertEquals(0, table.byId(id).orElseThrow().unreferencedSinceMs());
        // n2's lease (60 s) lapses at T0+70 s, which starts a new grace period: still present after T0+300 s.
        table = idle(table, T0 + 300_001);
        assertEquals(T0 + 70_000, table.byId(id).orElseThrow().unreferencedSinceMs());
    }

    @Test
    void expiredLeaseDropsReferences() {
        Transition t = allocator.apply(IdentityTable.empty(), new IdentityCommand.Allocate("n1", List.of(set("app=web"))), T0);
        int id = allocated(t).allocations().getFirst().id();
        IdentityTable table = idle(t.table(), T0 + 59_999);
        assertEquals(List.of("n1"), table.byId(id).orElseThrow().owners());
        table = allocator.apply(table, new IdentityCommand.Tick(), T0 + 60_000).table();
        assertTrue(table.byId(id).orElseThrow().owners().isEmpty(), "lease expired at 60 s");
        assertTrue(table.lease("n1").isEmpty());
        table = idle(table, T0 + 60_000 + 300_000);
        assertTrue(table.byId(id).isEmpty(), "released after the grace period");
    }

    @Test
    void aCommitStallLongerThanTheTtlDropsNoReference() {
        // The chaos run's failure: 151 s in which nothing committed, then the first entry after the stall.
        Transition t = allocator.apply(IdentityTable.empty(), 1, List.of(new IdentityCommand.Allocate("n1",
                List.of(set("app=web")))), T0);
        int id = allocated(t).allocations().getFirst().id();
        IdentityTable table = idle(t.table(), T0 + 30_000);
        long end = T0 + 30_000 + 151_000;
        table = allocator.apply(table, new IdentityCommand.Tick(), end).table();
        assertEquals(List.of("n1"), table.byId(id).orElseThrow().owners(), "the stall expired nobody");
        assertEquals(end + 60_000, table.lease("n1").orElseThrow().expiresAtMs(), "a full TTL from the stall's end");
        assertEquals(0, table.byId(id).orElseThrow().unreferencedSinceMs());
    }

    @Test
    void anOwnerThatStopsAfterTheStallIsDroppedOneTtlLater() {
        Transition t = allocator.apply(IdentityTable.empty(), new IdentityCommand.Allocate("n1", List.of(set("app=web"))), T0);
        int id = allocated(t).allocations().getFirst().id();
        long end = T0 + 200_000;
        IdentityTable table = allocator.apply(t.table(), new IdentityCommand.Tick(), end).table();
        table = idle(table, end + 59_999);
        assertEquals(List.of("n1"), table.byId(id).orElseThrow().owners());
        table = allocator.apply(table, new IdentityCommand.Tick(), end + 60_000).table();
        assertTrue(table.byId(id).orElseThrow().owners().isEmpty(), "no KeepAlive for a TTL after the stall");
        assertEquals(end + 60_000, table.byId(id).orElseThrow().unreferencedSinceMs());
    }

    @Test
    void aGapNoLongerThanTheStallBoundExtendsNothing() {
        IdentityTable table = allocator.apply(IdentityTable.empty(), new IdentityCommand.KeepAlive("n1"), T0).table();
        table = idle(table, T0 + 50_000);
        table = allocator.apply(table, new IdentityCommand.Tick(), T0 + 50_000 + AllocationPolicy.LEASE_STALL_GAP.toMillis()).table();
        assertEquals(T0 + 60_000, table.lease("n1").orElseThrow().expiresAtMs());
        table = idle(table, T0 + 61_000);
        assertTrue(table.lease("n1").isEmpty());
    }

    @Test
    void aNewTermGivesEveryLiveLeaseAFullTtlButRevivesNoLapsedOne() {
        IdentityTable table = allocator.apply(IdentityTable.empty(), 3, List.of(new IdentityCommand.KeepAlive("n1"),
                new IdentityCommand.KeepAlive("n2")), T0).table();
        table = idle(table, T0 + 39_000);
        table = allocator.apply(table, 3, List.of(new IdentityCommand.KeepAlive("n2")), T0 + 40_000).table();
        table = idle(table, T0 + 59_000);
        assertEquals(T0 + 60_000, table.lease("n1").orElseThrow().expiresAtMs());
        // Half a second later, a new leader's first entry: an election, not a stall.
        table = allocator.apply(table, 4, List.of(new IdentityCommand.Tick()), T0 + 59_500).table();
        assertEquals(T0 + 119_500, table.lease("n1").orElseThrow().expiresAtMs());
        assertEquals(T0 + 119_500, table.lease("n2").orElseThrow().expiresAtMs());
        assertEquals(4, table.term());
        table = idle(table, T0 + 119_500);
        assertTrue(table.leases().isEmpty(), "both dropped a TTL after the new term began");
        table = allocator.apply(table, 5, List.of(new IdentityCommand.Tick()), T0 + 120_500).table();
        assertTrue(table.leases().isEmpty(), "a lapsed lease stays lapsed");
    }

    @Test
    void logTimeNeverGoesBack() {
        IdentityTable table = allocator.apply(IdentityTable.empty(), new IdentityCommand.Tick(), T0).table();
        table = allocator.apply(table, new IdentityCommand.Allocate("n1", List.of(set("app=web"))), T0 - 50_000).table();
        assertEquals(T0, table.timeMs());
        assertEquals(T0, table.byLabels(set("app=web")).orElseThrow().createdMs());
    }

    @Test
    void fullRangeIsATypedOutcomeNotAWrapAround() {
        AllocationPolicy small = new AllocationPolicy(0 + 1, IdentityLayout.DEFAULT, Duration.ofSeconds(60),
                Duration.ofMinutes(5), Duration.ofMinutes(15), Map.of());
        IdentityAllocator a = new IdentityAllocator(small);
        IdentityTable table = IdentityTable.empty();
        int rangeSize = small.maxIdentity() - small.minIdentity() + 1;
        List<LabelSet> sets = new ArrayList<>();
        for (int i = 0; i < rangeSize; i++) {
            sets.add(set("app=a" + i));
            if (sets.size() == 1000) {
                table = a.apply(table, new IdentityCommand.Allocate("n1", sets), T0).table();
                sets.clear();
            }
        }
        table = a.apply(table, new IdentityCommand.Allocate("n1", sets), T0).table();
        assertEquals(rangeSize, table.size());
        Transition full = a.apply(table, new IdentityCommand.Allocate("n1", List.of(set("app=known-a"), set("app=a0"))), T0);
        Outcome.RangeExhausted r = assertInstanceOf(Outcome.RangeExhausted.class, full.outcomes().getFirst());
        assertEquals(1, r.needed());
        assertEquals(0, r.free());
        assertEquals(table.revision(), full.table().revision(), "nothing changed");
        assertTrue(full.table().byLabels(set("app=known-a")).isEmpty());
        Transition existing = a.apply(table, new IdentityCommand.Allocate("n2", List.of(set("app=a0"))), T0);
        assertInstanceOf(Outcome.Allocated.class, existing.outcomes().getFirst(), "existing sets still resolve");
    }

    @Test
    void unknownClusterIdsAndBadPinsAreRejectedByConfiguration() {
        for (int bad : new int[] {0, 256, -1}) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> AllocationPolicy.defaults(bad));
            assertTrue(e.getMessage().startsWith("clusterId: " + bad + " is outside 1..255"), e.getMessage());
        }
        assertEquals(511 << 15, new AllocationPolicy(511, IdentityLayout.EXTENDED, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Map.of()).minIdentity());
        IllegalArgumentException pin = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new AllocationPolicy(1, IdentityLayout.DEFAULT, Duration.ofSeconds(1), Duration.ofSeconds(1),
                        Duration.ofSeconds(1), Map.of(300, set("app=x"))));
        assertTrue(pin.getMessage().startsWith("pinned[300]: user-reserved identities are 128..255"), pin.getMessage());
    }
}
