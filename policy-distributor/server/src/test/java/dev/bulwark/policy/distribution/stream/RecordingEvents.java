package dev.bulwark.policy.distribution.stream;

import dev.bulwark.policy.distribution.agentsim.AgentEvents;
import dev.bulwark.policy.distribution.agentsim.SimulatedAgent;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Counts what one agent saw. */
final class RecordingEvents implements AgentEvents {
    final AtomicInteger deltas = new AtomicInteger();
    final AtomicInteger fullStates = new AtomicInteger();
    final AtomicInteger nacks = new AtomicInteger();
    final AtomicInteger inSyncResumed = new AtomicInteger();
    final AtomicInteger inSyncFull = new AtomicInteger();
    final AtomicLong bytes = new AtomicLong();
    final AtomicReference<Throwable> disconnect = new AtomicReference<>();
    volatile boolean disconnected;

    @Override
    public void applied(SimulatedAgent agent, long version, boolean fullState, int size) {
        deltas.incrementAndGet();
        bytes.addAndGet(size);
        if (fullState) {
            fullStates.incrementAndGet();
        }
    }

    @Override
    public void inSync(SimulatedAgent agent, long version, boolean resumed) {
        (resumed ? inSyncResumed : inSyncFull).incrementAndGet();
    }

    @Override
    public void nacked(SimulatedAgent agent, long version, String error) {
        nacks.incrementAndGet();
    }

    @Override
    public void disconnected(SimulatedAgent agent, Throwable cause) {
        disconnect.set(cause);
        disconnected = true;
    }
}
