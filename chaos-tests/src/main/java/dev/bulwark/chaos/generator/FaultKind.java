package dev.bulwark.chaos.generator;

import java.util.Locale;

/** The faults the nemesis can inject; the names are the {@code --nemesis} values. */
public enum FaultKind {
    /** Network partition with iptables DROP inside the replicas' namespaces. */
    PARTITION,
    /** kill -9 of a replica, restarted on the same data directory at the end of the window. */
    KILL,
    /** SIGSTOP of a replica, SIGCONT at the end of the window. */
    PAUSE,
    /** kill -9, wipe the data directory, restart empty and rejoin through a membership change. */
    WIPE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a {@code --nemesis} value.
     *
     * @throws IllegalArgumentException naming the value and the allowed ones
     */
    public static FaultKind parse(String s) {
        for (FaultKind k : values()) {
            if (k.wire().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("nemesis: unknown fault '" + s + "' (one of partition, kill, pause, wipe)");
    }
}
