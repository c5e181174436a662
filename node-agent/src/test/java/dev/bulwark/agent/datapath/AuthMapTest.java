package dev.bulwark.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.model.policy.PolicyLookup;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.Protocols;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The auth map's rules: keys, liveness at the expiry, later expiries kept, capacity, and the flow decision. */
class AuthMapTest {

    private static final Instant T = Instant.parse("2026-12-05T12:00:00Z");

    @Test
    void keysNameTheBadField() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new AuthKey(0, 5, 0, 1)).getMessage().startsWith("localIdentity"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new AuthKey(5, 0, 0, 1)).getMessage().startsWith("remoteIdentity"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new AuthKey(5, 6, 70_000, 1)).getMessage().startsWith("remoteNodeId"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new AuthKey(5, 6, 0, 0)).getMessage().startsWith("authType"));
        assertEquals(new AuthKey(5, 6, 0, AuthKey.SPIFFE), AuthKey.spiffe(5, 6));
    }

    @Test
    void anEntryIsLiveStrictlyBeforeItsExpiry() {
        assertTrue(AuthMap.live(Optional.of(T), T.minusNanos(1)));
        assertFalse(AuthMap.live(Optional.of(T), T));
        assertFalse(AuthMap.live(Optional.empty(), T));
    }

    @Test
    void aLaterExpiryIsKeptAndExpiredEntriesAreCollected() {
        InMemoryAuthMap m = new InMemoryAuthMap();
        m.put(AuthKey.spiffe(1, 2), T.plusSeconds(60));
        m.put(AuthKey.spiffe(1, 2), T.plusSeconds(30));
        assertEquals(Optional.of(T.plusSeconds(60)), m.expiry(AuthKey.spiffe(1, 2)), "an earlier expiry does not shorten an entry");
        m.put(AuthKey.spiffe(1, 2), T.plusSeconds(90));
        m.put(AuthKey.spiffe(1, 3), T.plusSeconds(10));
        assertEquals(1, m.removeExpired(T.plusSeconds(10)));
        assertEquals(Map.of(AuthKey.spiffe(1, 2), T.plusSeconds(90)), m.read());
    }

    @Test
    void aFullMapRefusesNewKeysWithResourceExhaustedAndKeepsItsContent() {
        InMemoryAuthMap m = new InMemoryAuthMap(1);
        m.put(AuthKey.spiffe(1, 2), T);
        DatapathException e = assertThrows(DatapathException.class, () -> m.put(AuthKey.spiffe(1, 3), T));
        assertEquals(8, e.rpcCode());
        m.put(AuthKey.spiffe(1, 2), T.plusSeconds(1)); // an existing key still updates
        assertEquals(Map.of(AuthKey.spiffe(1, 2), T.plusSeconds(1)), m.read());
    }

    @Test
    void authenticatedPassesOnlyAnAllowThatRequiresAuth() {
        MapState s = MapState.builder()
                .put(PolicyKey.l4(7, Direction.EGRESS, Protocols.TCP, 443), new PolicyEntry(false, 0, true, ""))
                .put(PolicyKey.l4(7, Direction.EGRESS, Protocols.TCP, 444), new PolicyEntry(false, 15001, true, ""))
                .put(PolicyKey.l4(7, Direction.EGRESS, Protocols.TCP, 445), PolicyEntry.DENY)
                .build();
        DatapathConfig cfg = DatapathConfig.DEFAULT;
        assertEquals(Reason.AUTH_REQUIRED, Reason.forNewFlow(PolicyLookup.decide(s, 7, Direction.EGRESS, 6, 443), cfg, false));
        assertEquals(Reason.ALLOWED_NEW, Reason.forNewFlow(PolicyLookup.decide(s, 7, Direction.EGRESS, 6, 443), cfg, true));
        assertEquals(Reason.L7_REDIRECT_UNSUPPORTED, Reason.forNewFlow(PolicyLookup.decide(s, 7, Direction.EGRESS, 6, 444), cfg, true),
                "authenticated, then the redirect rule applies");
        assertEquals(Reason.DENIED_BY_POLICY, Reason.forNewFlow(PolicyLookup.decide(s, 7, Direction.EGRESS, 6, 445), cfg, true));
        assertEquals(Reason.NO_MATCH, Reason.forNewFlow(PolicyLookup.decide(s, 8, Direction.EGRESS, 6, 443), cfg, true));
    }
}
