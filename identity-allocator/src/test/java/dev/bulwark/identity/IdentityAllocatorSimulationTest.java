package dev.bulwark.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.identity.raft.TableSnapshotFormat;
import dev.bulwark.model.IdentityLayout;
import dev.bulwark.model.LabelSet;
import dev.bulwark.testkit.Seeds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Random command streams against the pure state machine, checking after every entry: one id per label
 * set and one label set per id; ids in range; an id is never reused while quarantined, and never for a
 * different label set until its quarantine ended; owners sorted and unique; revisions strictly
 * increasing with no gaps; and that a replica restored from a snapshot mid-stream stays identical.
 * Entries come from changing Raft terms with occasional commit stalls; every lease must end exactly when
 * a separate model says (renewals, plus a full TTL from each new term or stall), never earlier.
 */
class IdentityAllocatorSimulationTest {

    private static LabelSet set(int i) {
        return LabelSet.parse(List.of("k8s:app=a" + i, "k8s:io.kubernetes.pod.namespace=ns" + (i % 3)));
    }

    @Test
    void invariantsHoldUnderRandomCommands() throws Exception {
        Seeds.run("identity allocator simulation", random -> {
            // Cluster 2 of 511: 32,768 numbers; a tiny label universe keeps churn and reuse pressure high.
            AllocationPolicy policy = new AllocationPolicy(2, IdentityLayout.EXTENDED, Duration.ofSeconds(30),
                    Duration.ofSeconds(20), Duration.ofSeconds(40), Map.of());
            IdentityAllocator allocator = new IdentityAllocator(policy);
            IdentityTable table = IdentityTable.empty();
            IdentityTable shadow = null;
            long time = 1_000_000;
            long lastRevision = 0;
            long term = 1;
            Map<String, Long> modelLeases = new HashMap<>();
            Map<Integer, Long> releasedAt = new HashMap<>();
            Map<Integer, LabelSet> everBound = new HashMap<>();
            Path snap = Files.createTempFile("identity-sim", ".snap");
            try {
                for (int step = 0; step < 3000; step++) {
                    // Mostly a leader's Ticks apart; sometimes a stall of up to three TTLs.
                    time += random.nextInt(50) == 0 ? random.nextInt(90_000) : random.nextInt(2000);
                    if (random.nextInt(20) == 0) {
                        term += 1 + random.nextInt(2);
                    }
                    List<IdentityCommand> entry = new ArrayList<>();
                    int n = 1 + random.nextInt(4);
                    for (int k = 0; k < n; k++) {
                        entry.add(randomCommand(random, table));
                    }
                    long stamp = time - random.nextInt(3000);
                    Transition t = allocator.apply(table, term, entry, stamp);
                    modelLeases(modelLeases, table, term, entry, t, policy);
                    assertEquals(modelLeases, leaseExpiries(t.table()), "lease expiries at step " + step);
                    for (IdentityChange c : t.changes()) {
                        assertEquals(++lastRevision, c.revision(), "revisions are gapless and increasing");
                        int id = c.identity().id();
                        if (c.type() == IdentityChange.Type.RELEASED) {
                            releasedAt.put(id, t.table().timeMs());
                        } else {
                            Long rel = releasedAt.get(id);
                            if (rel != null) {
                                assertTrue(t.table().timeMs() >= rel + policy.quarantine().toMillis(),
                                        "id " + id + " reused inside its quarantine");
                            }
                            everBound.put(id, c.identity().labels());
                        }
                    }
                    table = t.table();
                    checkInvariants(table, policy);
                    if (step == 1500) {
                        TableSnapshotFormat.write(table, snap);
                        shadow = TableSnapshotFormat.read(snap);
                    } else if (shadow != null) {
                        shadow = allocator.apply(shadow, term, entry, stamp).table();
                        assertEquals(table.all(), shadow.all(), "replica restored from a snapshot diverged at step " + step);
                        assertEquals(table.revision(), shadow.revision());
                    }
                }
            } finally {
                Files.deleteIfExists(snap);
            }
            // Over 300 seeds the stream had at least 91 revisions (median 132): 50 only catches a generator that
            // stopped allocating and releasing, not the unlucky seeds that a bound of 100 turned red in CI.
            assertTrue(lastRevision > 50, "the stream allocated and released: " + lastRevision);
            assertFalse(everBound.isEmpty());
        });
    }

    /**
     * The lease rules restated independently: a new term or a log-time gap over the stall bound gives
     * every live lease a full TTL, then due leases end, then Allocate (unless the range was full) and
     * KeepAlive renew.
     */
    private static void modelLeases(Map<String, Long> leases, IdentityTable before, long term,
                                    List<IdentityCommand> entry, Transition t, AllocationPolicy policy) {
        long now = t.table().timeMs();
        long ttl = policy.leaseTtl().toMillis();
        if (term != before.term() || now - before.timeMs() > AllocationPolicy.LEASE_STALL_GAP.toMillis()) {
            leases.replaceAll((owner, expires) -> Math.max(expires, now + ttl));
        }
        leases.values().removeIf(expires -> expires <= now);
        for (int i = 0; i < entry.size(); i++) {
            boolean allocated = t.outcomes().get(i) instanceof Outcome.Allocated;
            switch (entry.get(i)) {
                case IdentityCommand.Allocate a when allocated -> leases.put(a.owner(), now + ttl);
                case IdentityCommand.KeepAlive k -> leases.put(k.owner(), now + ttl);
                default -> { }
            }
        }
    }

    private static Map<String, Long> leaseExpiries(IdentityTable table) {
        Map<String, Long> out = new HashMap<>();
        table.leases().forEach(l -> out.put(l.owner(), l.expiresAtMs()));
        return out;
    }

    private static IdentityCommand randomCommand(RandomGenerator random, IdentityTable table) {
        String owner = "node-" + random.nextInt(5);
        return switch (random.nextInt(10)) {
            case 0, 1, 2, 3 -> {
                List<LabelSet> sets = new ArrayList<>();
                int k = 1 + random.nextInt(5);
                for (int i = 0; i < k; i++) {
                    sets.add(set(random.nextInt(40)));
                }
                yield new IdentityCommand.Allocate(owner, sets);
            }
            case 4, 5, 6 -> {
                List<IdentityRecord> all = table.all();
                List<Integer> ids = new ArrayList<>();
                for (int i = 0; i < 3 && !all.isEmpty(); i++) {
                    ids.add(all.get(random.nextInt(all.size())).id());
                }
                ids.add(random.nextInt(1 << 20));
                yield new IdentityCommand.Release(owner, ids);
            }
            case 7, 8 -> new IdentityCommand.KeepAlive(owner);
            default -> new IdentityCommand.Tick();
        };
    }

    static void checkInvariants(IdentityTable table, AllocationPolicy policy) {
        Map<LabelSet, Integer> seen = new HashMap<>();
        for (IdentityRecord r : table.all()) {
            assertTrue(policy.inRange(r.id()), "id " + r.id() + " outside the range");
            Integer other = seen.put(r.labels(), r.id());
            assertEquals(null, other, "label set " + r.labels() + " has ids " + other + " and " + r.id());
            assertEquals(r.id(), table.byLabels(r.labels()).orElseThrow().id());
            assertFalse(table.quarantined(r.id()), "id " + r.id() + " allocated and quarantined");
            List<String> sorted = r.owners().stream().sorted().distinct().toList();
            assertEquals(sorted, r.owners(), "owners sorted and unique");
            assertEquals(r.owners().isEmpty(), r.unreferencedSinceMs() != 0 || r.owners().isEmpty());
            for (String o : r.owners()) {
                assertTrue(table.lease(o).isPresent(), "owner " + o + " of " + r.id() + " has no lease");
            }
        }
        for (Lease l : table.leases()) {
            long refs = table.all().stream().filter(r -> r.owners().contains(l.owner())).count();
            assertEquals(refs, l.references(), "reference count of " + l.owner());
        }
    }
}
