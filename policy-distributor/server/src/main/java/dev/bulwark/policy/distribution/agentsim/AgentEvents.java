package dev.bulwark.policy.distribution.agentsim;

/** What a simulated agent reports, from gRPC callback threads. Must not block. */
public interface AgentEvents {

    AgentEvents NONE = new AgentEvents() {
    };

    /** Applied and acknowledged {@code version}; {@code bytes} is the delta's serialized size. */
    default void applied(SimulatedAgent agent, long version, boolean fullState, int bytes) {
    }

    /** The distributor said the agent holds the current state. */
    default void inSync(SimulatedAgent agent, long version, boolean resumed) {
    }

    default void nacked(SimulatedAgent agent, long version, String error) {
    }

    /** The stream ended (error or completion). */
    default void disconnected(SimulatedAgent agent, Throwable cause) {
    }
}
