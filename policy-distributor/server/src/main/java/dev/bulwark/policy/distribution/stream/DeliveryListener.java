package dev.bulwark.policy.distribution.stream;

/**
 * Observes deliveries, for metrics and the fan-out benchmark. Called on the distribution loop: must be
 * quick and must not block.
 */
public interface DeliveryListener {

    DeliveryListener NONE = new DeliveryListener() {
    };

    /** An agent acknowledged {@code version}, produced at revision {@code revision}. */
    default void acked(String nodeName, long version, long revision, long ackedAtNanos) {
    }

    /** An agent rejected {@code version}. */
    default void nacked(String nodeName, long version, int code, String message) {
    }

    /** A message of {@code bytes} went to the agent on {@code nodeName}. */
    default void sent(String nodeName, int bytes, boolean fullState) {
    }

    /** The agent on {@code nodeName} holds the current state (sent once per stream). */
    default void inSync(String nodeName, boolean resumed) {
    }
}
