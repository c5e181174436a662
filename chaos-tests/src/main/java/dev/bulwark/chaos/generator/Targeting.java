package dev.bulwark.chaos.generator;

import java.util.Locale;

/**
 * Which replicas a fault hits. For partitions these are Jepsen's grudges (nemesis/combined.clj); for
 * kill, pause and wipe only {@link #ONE} and {@link #LEADER} apply.
 */
public enum Targeting {
    /** One replica, chosen by the plan's seed. */
    ONE,
    /** The current leader (falls back to ONE when no leader is known). */
    LEADER,
    /** A third of the replicas (at least one) cut off from the rest. */
    MINORITY,
    /** The replicas split into a majority and the rest, at random. */
    MAJORITY,
    /** Each replica hears only a majority that differs from every other replica's (asymmetric). */
    MAJORITIES_RING;

    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
