package dev.bulwark.mesh.ca;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where {@link JoinTokens} keeps its grants, keyed by the SHA-256 digest of the token (never the token).
 * {@link #take} must be atomic: of two concurrent takers of one digest, at most one gets the grant.
 */
public interface TokenLedger {

    /** A token's grant: the node it is bound to ({@code null}: any node) and its expiry. */
    record Grant(String nodeName, Instant expiresAt) {
    }

    void put(String digest, Grant grant);

    /** Removes and returns the grant of {@code digest}, or {@code null} if there is none. */
    Grant take(String digest);

    /** Drops expired grants; returns how many remain. */
    int sweep(Instant now);

    /** Grants in memory: lost on restart. */
    static TokenLedger inMemory() {
        Map<String, Grant> grants = new ConcurrentHashMap<>();
        return new TokenLedger() {
            @Override
            public void put(String digest, Grant grant) {
                grants.put(digest, grant);
            }

            @Override
            public Grant take(String digest) {
                return grants.remove(digest);
            }

            @Override
            public int sweep(Instant now) {
                grants.values().removeIf(g -> !now.isBefore(g.expiresAt()));
                return grants.size();
            }
        };
    }
}
