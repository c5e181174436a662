package dev.bulwark.chaos.generator;

/**
 * One client operation of the plan.
 *
 * @param sequence position in the plan, 0-based
 * @param atNanos  when to invoke it, nanoseconds from the start of the run
 * @param phase    the phase it belongs to
 * @param f        {@code allocate} or {@code read}
 * @param key      index of the label set in the workload's key space
 */
public record PlannedOp(long sequence, long atNanos, Phase phase, String f, int key) {
}
