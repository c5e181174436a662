package dev.bulwark.policy.distribution.stream;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * Bounds how many full states are unacknowledged at once. Sessions that need one and find no free slot
 * queue in arrival order and are pumped again when a slot frees (ACK, NACK or stream end). Resuming
 * agents never queue: they need no full state. Loop-confined.
 */
final class FullStateGate {

    private final int slots;
    private final Set<AgentSession> holders = new HashSet<>();
    private final ArrayDeque<AgentSession> waiting = new ArrayDeque<>();

    FullStateGate(int slots) {
        this.slots = slots;
    }

    /** True if {@code session} may send a full state now; otherwise it is queued. */
    boolean tryAcquire(AgentSession session) {
        if (holders.contains(session)) {
            return true;
        }
        if (holders.size() < slots) {
            holders.add(session);
            waiting.remove(session);
            return true;
        }
        if (!waiting.contains(session)) {
            waiting.addLast(session);
        }
        return false;
    }

    /** {@code session} no longer holds (or waits for) a slot; the next waiting session is pumped. */
    void release(AgentSession session) {
        waiting.remove(session);
        if (holders.remove(session)) {
            AgentSession next = waiting.pollFirst();
            if (next != null) {
                next.pump();
            }
        }
    }

    int waiting() {
        return waiting.size();
    }
}
