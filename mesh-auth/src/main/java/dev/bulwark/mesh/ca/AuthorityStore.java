package dev.bulwark.mesh.ca;

import java.util.List;

/**
 * Where signing authorities (certificates and private keys) persist across restarts. Implementations
 * keep keys readable by the owner only and never log them.
 */
public interface AuthorityStore {

    /** Every stored generation, any order. */
    List<Authority> load();

    /** Stores a new generation (or its updated activation time). */
    void save(Authority authority);

    /**
     * The last published bundle sequence number (0 if none). Persisted so that a restarted CA keeps
     * {@code spiffe_sequence} increasing: federated peers ignore a bundle whose sequence went back.
     */
    default long loadSequence() {
        return 0;
    }

    /** Records the sequence number just published. */
    default void saveSequence(long sequence) {
    }

    /** A store that keeps nothing across restarts: for tests, benchmarks and throwaway CAs. */
    static AuthorityStore inMemory() {
        return new AuthorityStore() {
            private final java.util.Map<Integer, Authority> held = new java.util.concurrent.ConcurrentHashMap<>();
            private volatile long sequence;

            @Override
            public List<Authority> load() {
                return List.copyOf(held.values());
            }

            @Override
            public void save(Authority authority) {
                held.put(authority.generation(), authority);
            }

            @Override
            public long loadSequence() {
                return sequence;
            }

            @Override
            public void saveSequence(long next) {
                sequence = next;
            }
        };
    }
}
