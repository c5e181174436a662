package dev.bulwark.chaos.generator;

/**
 * One planned fault: injected at {@code startNanos}, healed at {@code endNanos}.
 *
 * @param choice seeded number the nemesis uses to pick concrete replicas, so the plan stays deterministic
 */
public record FaultWindow(long startNanos, long endNanos, FaultKind kind, Targeting targeting, long choice) {

    /** A short description for the history and the report, e.g. "partition majorities-ring". */
    public String describe() {
        return kind.wire() + " " + targeting.wire();
    }
}
