package dev.bulwark.chaos.checker;

/**
 * The sequential specification of one label set's identity: a register that starts empty and is set
 * once. {@code allocate} is get-or-create (empty to v, or v stays v, returning v); {@code read} returns
 * the current value or "not found". States: {@link #EMPTY}, {@link #UNSEEN} (an allocation with an
 * unknown outcome took effect; its value is bound by the first operation that observes one), or the id.
 */
public final class WriteOnceRegister implements SequentialModel<WriteOnceRegister.RegisterOp> {

    public static final long EMPTY = -1;
    public static final long UNSEEN = -2;

    /**
     * @param allocate true for allocate, false for read
     * @param known    false for an allocation whose outcome is unknown (info)
     * @param value    the id returned; null for a read that found nothing (and for unknown allocations)
     * @param operation index of the operation in the checker's list (for witnesses)
     */
    public record RegisterOp(boolean allocate, boolean known, Long value, int operation) {
    }

    @Override
    public long initial() {
        return EMPTY;
    }

    @Override
    public long step(long state, RegisterOp op) {
        if (op.allocate() && !op.known()) {
            return state == EMPTY ? UNSEEN : state;
        }
        if (op.value() == null) {
            // Only a read can return nothing, and only before anything was allocated.
            return !op.allocate() && state == EMPTY ? EMPTY : ILLEGAL;
        }
        long v = op.value();
        if (state == v || state == UNSEEN) {
            return v;
        }
        return state == EMPTY && op.allocate() ? v : ILLEGAL;
    }
}
