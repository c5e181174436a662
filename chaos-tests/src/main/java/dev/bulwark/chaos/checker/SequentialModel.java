package dev.bulwark.chaos.checker;

/**
 * A sequential specification whose state fits in a {@code long}, for {@link WglSearch}.
 *
 * @param <T> the operation type
 */
public interface SequentialModel<T> {

    /** Returned by {@link #step} when the operation is not legal in the state. */
    long ILLEGAL = Long.MIN_VALUE;

    long initial();

    /** The state after applying {@code op} in {@code state}, or {@link #ILLEGAL}. */
    long step(long state, T op);
}
