package dev.bulwark.chaos.history;

import java.util.Objects;

/**
 * One line of the history.
 *
 * @param index     position in the history, 0-based, gap-free
 * @param type      invoke or a completion
 * @param process   the logical process; {@link #NEMESIS} for fault injection and phase markers. A process
 *                  has at most one operation outstanding; after an {@code info} completion it is retired.
 * @param f         the function: {@link #ALLOCATE}, {@link #READ}, {@link #WATCH}, {@link #WATCH_EVENT},
 *                  {@link #PHASE} or a nemesis function
 * @param value     what the operation is about and what it returned
 * @param error     why it failed (fail/info), else null
 * @param timeNanos monotonic time relative to the start of the run, from one clock in the harness JVM
 */
public record Op(long index, OpType type, int process, String f, OpValue value, String error, long timeNanos) {

    /** The process id of the nemesis and of phase markers. */
    public static final int NEMESIS = -1;

    /** Get-or-create the identity of a label set (the register's write-once write). */
    public static final String ALLOCATE = "allocate";
    /** Look up a label set's identity without allocating (the register's read). */
    public static final String READ = "read";
    /** A watch subscription: invoked with the from-revision, completed when the stream ends. */
    public static final String WATCH = "watch";
    /** One change received on a watch stream; recorded as a lone {@code ok} line, never paired. */
    public static final String WATCH_EVENT = "watch-event";
    /** A phase boundary of the generator: value.detail is the phase that starts. */
    public static final String PHASE = "phase";

    public Op {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(f, "f");
        value = value == null ? OpValue.NONE : value;
    }

    public boolean isNemesis() {
        return process == NEMESIS;
    }

    /** True for lines that are events rather than halves of an invoke/complete pair. */
    public boolean isEvent() {
        return f.equals(WATCH_EVENT) || f.equals(PHASE);
    }
}
