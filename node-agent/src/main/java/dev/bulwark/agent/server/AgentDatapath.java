package dev.bulwark.agent.server;

import dev.bulwark.agent.registry.EndpointRecord;
import dev.bulwark.agent.sync.NodeDatapath;
import java.util.Collection;
import java.util.SortedSet;

/**
 * The datapath under the agent's endpoint API: endpoints attached, detached and, after a restart, restored
 * by their registry records. Called on the agent's sync thread only.
 */
sealed interface AgentDatapath extends NodeDatapath permits KernelNodeDatapath, ModelNodeDatapath {

    /** What {@link #restore} did with one persisted endpoint. */
    sealed interface Restored {
    }

    /** Attached again, at {@code index} ({@link #attach}'s result). */
    record Reattached(int index) implements Restored {
    }

    /** Its namespace or interface is gone ({@code why}); its pins, if any, have been removed. */
    record Gone(String why) implements Restored {
    }

    /**
     * Attaches {@code r} (again: an existing pin is reused and its link updated in place); returns the host
     * interface's index (kernel) or the model's endpoint index.
     */
    int attach(EndpointRecord r);

    /** Detaches {@code r} and removes its pins; false when it was not attached in this process. */
    boolean detach(EndpointRecord r);

    /**
     * Attaches persisted endpoint {@code r} as {@link #attach} does, unless its namespace or interface is no
     * longer there: then removes what is left of it and says why. Other failures propagate.
     */
    Restored restore(EndpointRecord r);

    /** The endpoints that have pins here but none of {@code names}: left as they are, reported. */
    SortedSet<String> pinsWithout(Collection<String> names);
}
