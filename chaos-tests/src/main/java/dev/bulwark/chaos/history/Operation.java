package dev.bulwark.chaos.history;

/**
 * An invocation paired with its completion. A missing completion (the run ended first) counts as
 * {@code info}: the operation may have happened.
 *
 * @param invoke     the invocation line
 * @param completion the completion line, or null when none was recorded
 */
public record Operation(Op invoke, Op completion) {

    /** The outcome: ok, fail or info (info also when there is no completion). */
    public OpType outcome() {
        return completion == null ? OpType.INFO : completion.type();
    }

    public String f() {
        return invoke.f();
    }

    public int process() {
        return invoke.process();
    }

    public String key() {
        return invoke.value().key();
    }

    /** The identity the completion returned, or null. */
    public Long id() {
        return completion == null ? null : completion.value().id();
    }

    public Long revision() {
        return completion == null ? null : completion.value().revision();
    }

    public long callNanos() {
        return invoke.timeNanos();
    }

    /** The completion time; {@link Long#MAX_VALUE} for info, which may take effect at any later time. */
    public long returnNanos() {
        return outcome() == OpType.INFO ? Long.MAX_VALUE : completion.timeNanos();
    }

    /** Observed latency (completion minus invocation), or -1 when there is no completion. */
    public long latencyNanos() {
        return completion == null ? -1 : completion.timeNanos() - invoke.timeNanos();
    }

    public boolean isOk() {
        return outcome() == OpType.OK;
    }
}
