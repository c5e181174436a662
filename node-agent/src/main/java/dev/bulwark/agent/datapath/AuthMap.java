package dev.bulwark.agent.datapath;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The datapath's auth map (node-wide): which identity pairs have mutually authenticated, until when.
 * The kernel's ({@code BpfAuthMap}, expiries on CLOCK_BOOTTIME) or the model's ({@link InMemoryAuthMap}).
 * An allow that requires authentication passes only while {@link #live} holds for its pair.
 */
public interface AuthMap {

    /** The kernel map's max_entries. */
    int CAPACITY = 524_288;

    /** Records that {@code key} authenticated until {@code expiry}; a later expiry already held is kept. */
    void put(AuthKey key, Instant expiry);

    /** Removes {@code key}; true if it was present. */
    boolean remove(AuthKey key);

    Optional<Instant> expiry(AuthKey key);

    /** Every entry with its expiry. */
    Map<AuthKey, Instant> read();

    /** The datapath's rule: an entry authenticates strictly before its expiry. */
    static boolean live(Optional<Instant> expiry, Instant now) {
        return expiry.isPresent() && now.isBefore(expiry.get());
    }

    /** Removes entries expired at {@code now} (they no longer pass anything); returns how many. */
    default int removeExpired(Instant now) {
        int removed = 0;
        for (Map.Entry<AuthKey, Instant> e : read().entrySet()) {
            if (!now.isBefore(e.getValue()) && remove(e.getKey())) {
                removed++;
            }
        }
        return removed;
    }
}
