package dev.bulwark.policy.distribution.stream;

/**
 * Whether the loop may send agents anything yet. A replica that has just started holds an empty
 * history: serving it would replace every agent's maps with nothing (and at a lower version) until its
 * first compute. So a replica whose pipeline says so holds subscribed sessions until that compute has
 * been published. Loop-confined.
 */
final class ServingGate {

    private boolean open;

    ServingGate(boolean open) {
        this.open = open;
    }

    boolean isOpen() {
        return open;
    }

    void close() {
        open = false;
    }

    /** Opens the gate; true if it was closed (sessions held meanwhile must now be pumped). */
    boolean open() {
        boolean was = open;
        open = true;
        return !was;
    }
}
