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

    /** A store that keeps nothing across restarts: for tests, benchmarks and throwaway CAs. */
    static AuthorityStore inMemory() {
        return new AuthorityStore() {
            private final java.util.Map<Integer, Authority> held = new java.util.concurrent.ConcurrentHashMap<>();

            @Override
            public List<Authority> load() {
                return List.copyOf(held.values());
            }

            @Override
            public void save(Authority authority) {
                held.put(authority.generation(), authority);
            }
        };
    }
}
