package dev.bulwark.chaos.generator;

import java.util.Locale;

/** The phases of a run, in order. The wire name is what phase markers in the history carry. */
public enum Phase {
    /** Client operations, no faults: the cluster settles and the key space fills. */
    WARM_UP,
    /** Client operations while the nemesis injects faults. */
    FAULTS,
    /** Every fault is healed at the start; client operations continue. */
    HEAL,
    /** No client operations: replicas catch up and elect a stable leader. */
    QUIESCE,
    /** One read of every key the workload can touch, for the lost-allocation check. */
    FINAL_READS;

    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
