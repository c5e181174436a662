package dev.bulwark.policy.distribution.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.model.LabelSet;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A renewal round over many nodes: its KeepAlives overlap (the store commits concurrent ones in one log
 * entry), never more than {@link StoreCalls#IN_FLIGHT} at once, and one node's failure or lapse
 * does not keep the others from being renewed.
 */
class LeaseRenewalTest {

    /**
     * KeepAlive that holds each call until {@code gateAt} calls are in flight (at most {@code hold} per
     * call, so a source renewed one call at a time still finishes its round), and records the most calls
     * seen in flight at once.
     */
    private static final class OverlapSource implements IdentitySource {
        private final int gateAt;
        private final Duration hold;
        private final Set<String> failing;
        private final Set<String> lapsedInStore;
        private final CountDownLatch gate = new CountDownLatch(1);
        private final Map<String, Integer> renewals = new ConcurrentHashMap<>();
        private int inFlight;
        private int mostInFlight;

        OverlapSource(int gateAt, Duration hold, Set<String> failing, Set<String> lapsedInStore) {
            this.gateAt = gateAt;
            this.hold = hold;
            this.failing = failing;
            this.lapsedInStore = lapsedInStore;
        }

        @Override
        public Lease keepAlive(String owner) {
            synchronized (this) {
                inFlight++;
                mostInFlight = Math.max(mostInFlight, inFlight);
                if (inFlight >= gateAt) {
                    gate.countDown();
                }
            }
            try {
                gate.await(hold.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                synchronized (this) {
                    inFlight--;
                }
            }
            if (failing.contains(owner)) {
                throw new IdentityUnavailableException("no leader (test)", null);
            }
            renewals.merge(owner, 1, Integer::sum);
            return new Lease(Duration.ofSeconds(60), lapsedInStore.contains(owner) ? 0 : 1);
        }

        synchronized int mostInFlight() {
            return mostInFlight;
        }

        @Override
        public Map<LabelSet, Integer> identities(String owner, List<LabelSet> labelSets) {
            throw new UnsupportedOperationException("not used by LeaseRenewal");
        }

        @Override
        public void release(String owner, Collection<Integer> ids) {
            throw new UnsupportedOperationException("not used by LeaseRenewal");
        }

        @Override
        public Map<String, Set<Integer>> referencesOf(Set<String> owners) {
            throw new UnsupportedOperationException("not used by LeaseRenewal");
        }
    }

    @Test
    void aRoundOverlapsItsKeepAlivesUpToTheBoundAndRenewsEveryOtherNodeWhenOneFailsOrLapsed() throws Exception {
        int limit = StoreCalls.IN_FLIGHT;
        Map<String, Integer> expected = new TreeMap<>();
        for (int i = 0; i < 3 * limit; i++) {
            expected.put("node-" + i, 1);
        }
        OverlapSource source = new OverlapSource(limit, Duration.ofMillis(50), Set.of("node-3"), Set.of("node-7"));
        Set<String> lapsed = ConcurrentHashMap.newKeySet();
        // eachRound runs at the start of every round: its second call means the first round has ended.
        CountDownLatch roundsStarted = new CountDownLatch(2);
        LeaseRenewal renewal = new LeaseRenewal(source, Duration.ofMillis(20), () -> expected, lapsed::add,
                roundsStarted::countDown);
        try {
            assertTrue(roundsStarted.await(60, TimeUnit.SECONDS), "a second renewal round started");
        } finally {
            renewal.close();
        }
        assertEquals(limit, source.mostInFlight(), "KeepAlives in flight at once (one at a time would be 1)");
        for (String node : expected.keySet()) {
            if (!node.equals("node-3")) {
                assertTrue(source.renewals.getOrDefault(node, 0) >= 1, node + " renewed although node-3 failed");
            }
        }
        assertEquals(Set.of("node-7"), lapsed, "the node whose references the store dropped, and only it");
    }
}
