package dev.bulwark.policy.distribution.agentsim;

import dev.bulwark.policy.distribution.state.IpcacheMapping;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shares equal ipcache keys and values between simulated agents in one JVM, so that thousands of agents
 * each holding the whole ipcache cost a map entry per prefix each rather than also a copy of every
 * string. Each agent still holds and updates its own map. Thread-safe.
 */
public class Interner {

    /** Interns nothing: every agent keeps its own copies. */
    public static final Interner NONE = new Interner() {
        @Override
        public String prefix(String prefix) {
            return prefix;
        }

        @Override
        public IpcacheMapping mapping(IpcacheMapping mapping) {
            return mapping;
        }
    };

    private final ConcurrentHashMap<String, String> prefixes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<IpcacheMapping, IpcacheMapping> mappings = new ConcurrentHashMap<>();

    public String prefix(String prefix) {
        return prefixes.computeIfAbsent(prefix, p -> p);
    }

    public IpcacheMapping mapping(IpcacheMapping mapping) {
        return mappings.computeIfAbsent(mapping, m -> m);
    }
}
