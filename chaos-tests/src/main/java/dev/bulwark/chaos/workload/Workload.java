package dev.bulwark.chaos.workload;

import java.util.Locale;

/**
 * The named workloads of {@code bulwark chaos run --workload}.
 *
 * @param keysPerSecondOfRun 0 for a fixed key space, else keys = rate * seconds * this (capped)
 */
public record Workload(String name, int fixedKeys, double keysPerSecondOfRun, double allocateShare, boolean watch,
                       String description) {

    /** Few label sets, heavy contention: every key sees concurrent allocations and reads. */
    public static final Workload REGISTER = new Workload("register", 50, 0, 0.5, false,
            "50 label sets, half allocations, half reads: per-key linearizability under contention");
    /** Mostly new label sets: many distinct identities, for uniqueness and lost allocations. */
    public static final Workload UNIQUE = new Workload("unique", 0, 0.4, 0.9, false,
            "mostly new label sets (90% allocations): no id for two label sets, none lost");
    /** Register traffic plus a watcher that must see every acknowledged allocation in revision order. */
    public static final Workload WATCH = new Workload("watch", 200, 0, 0.7, true,
            "200 label sets and one watcher: watch-stream completeness across faults");

    public static final java.util.List<Workload> ALL = java.util.List.of(REGISTER, UNIQUE, WATCH);

    /** Keys for a run of this rate and length (at most 20,000 so final reads stay short). */
    public int keys(int rate, long seconds) {
        if (fixedKeys > 0) {
            return fixedKeys;
        }
        return (int) Math.max(1, Math.min(20_000, rate * seconds * keysPerSecondOfRun));
    }

    /**
     * @throws IllegalArgumentException naming the workload and the known ones
     */
    public static Workload named(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return ALL.stream().filter(w -> w.name().equals(n)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("workload: unknown '" + name + "' (one of register, unique, watch)"));
    }
}
