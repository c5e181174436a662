package dev.bulwark.policy.compile;

/** Something operators must see: emitted with the delta that caused it (status, event and metric). */
public sealed interface EngineEvent {

    String endpoint();

    /** The endpoint's desired state no longer fits; it keeps its last good state or is locked down. */
    record Overflow(String endpoint, int desiredEntries, int limit, OverflowMode mode) implements EngineEvent {
    }

    /** The endpoint's desired state fits again and is installed. */
    record Recovered(String endpoint, int entries) implements EngineEvent {
    }
}
