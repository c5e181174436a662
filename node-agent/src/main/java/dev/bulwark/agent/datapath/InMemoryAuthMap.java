package dev.bulwark.agent.datapath;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The model datapath's auth map, with the kernel map's capacity. Thread-safe (the handshake service
 * writes while the owner of the model datapath reads).
 */
public final class InMemoryAuthMap implements AuthMap {

    private final int capacity;
    private final Map<AuthKey, Instant> entries = new HashMap<>();

    public InMemoryAuthMap() {
        this(CAPACITY);
    }

    public InMemoryAuthMap(int capacity) {
        this.capacity = capacity;
    }

    @Override
    public synchronized void put(AuthKey key, Instant expiry) {
        Instant held = entries.get(key);
        if (held == null && entries.size() >= capacity) {
            throw new DatapathException("auth map is full (" + capacity + " entries); cannot add " + key, 8, null);
        }
        if (held == null || expiry.isAfter(held)) {
            entries.put(key, expiry);
        }
    }

    @Override
    public synchronized boolean remove(AuthKey key) {
        return entries.remove(key) != null;
    }

    @Override
    public synchronized Optional<Instant> expiry(AuthKey key) {
        return Optional.ofNullable(entries.get(key));
    }

    @Override
    public synchronized Map<AuthKey, Instant> read() {
        return Map.copyOf(entries);
    }
}
