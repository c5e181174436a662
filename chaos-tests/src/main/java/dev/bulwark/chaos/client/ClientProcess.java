package dev.bulwark.chaos.client;

import dev.bulwark.chaos.history.Op;

/**
 * One logical process's view of the store (Jepsen's open/invoke/close): reads go to its preferred
 * replica first; writes to the last known leader. At most one operation at a time (the worker's thread).
 */
public final class ClientProcess {

    private final StoreClient client;
    private final String preferred;

    ClientProcess(StoreClient client, String preferred) {
        this.client = client;
        this.preferred = preferred;
    }

    /** Runs one operation ({@code allocate} or {@code read} of key index {@code key}) to completion. */
    public Completion invoke(String f, int key) {
        return switch (f) {
            case Op.ALLOCATE -> client.allocate(preferred, key);
            case Op.READ -> client.read(preferred, key);
            default -> throw new IllegalArgumentException("f: unsupported client function '" + f + "'");
        };
    }

    public String preferred() {
        return preferred;
    }
}
