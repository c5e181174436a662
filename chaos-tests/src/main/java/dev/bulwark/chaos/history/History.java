package dev.bulwark.chaos.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable, complete history: the lines in index order. Pairing is done here once, so every
 * checker sees the same operations.
 */
public final class History {

    private final List<Op> ops;

    public History(List<Op> ops) {
        this.ops = List.copyOf(ops);
        for (int i = 0; i < this.ops.size(); i++) {
            if (this.ops.get(i).index() != i) {
                throw new IllegalArgumentException("history line " + i + " has index " + this.ops.get(i).index());
            }
        }
    }

    /** Builds a history from lines whose indexes are ignored and renumbered 0.. in list order. */
    public static History renumbered(List<Op> lines) {
        List<Op> out = new ArrayList<>(lines.size());
        for (Op op : lines) {
            out.add(new Op(out.size(), op.type(), op.process(), op.f(), op.value(), op.error(), op.timeNanos()));
        }
        return new History(out);
    }

    public List<Op> ops() {
        return ops;
    }

    public int size() {
        return ops.size();
    }

    /**
     * Client operations (not nemesis, not events) with their completions, in invocation order.
     *
     * @throws IllegalArgumentException when a process invokes twice without a completion in between, or
     *                                  completes an operation it never invoked
     */
    public List<Operation> operations() {
        return pair(false);
    }

    /** Nemesis operations with their completions, in invocation order. */
    public List<Operation> nemesisOperations() {
        return pair(true);
    }

    /** Client operations by outcome ({@code ok}, {@code fail}, {@code info}, each present) and nemesis operations, in that order. */
    public Map<String, Long> outcomeCounts() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("ok", 0L);
        c.put("fail", 0L);
        c.put("info", 0L);
        for (Operation o : operations()) {
            c.merge(o.outcome().wire(), 1L, Long::sum);
        }
        c.put("nemesis", (long) nemesisOperations().size());
        return c;
    }

    private List<Operation> pair(boolean nemesis) {
        Map<Integer, Integer> open = new HashMap<>();
        List<Op> invokes = new ArrayList<>();
        List<Op> completions = new ArrayList<>();
        for (Op op : ops) {
            if (op.isEvent() || op.isNemesis() != nemesis) {
                continue;
            }
            Integer at = open.get(op.process());
            if (op.type() == OpType.INVOKE) {
                if (at != null && !nemesis) {
                    throw new IllegalArgumentException("line " + op.index() + ": process " + op.process()
                            + " invokes while line " + invokes.get(at).index() + " is outstanding");
                }
                open.put(op.process(), invokes.size());
                invokes.add(op);
                completions.add(null);
            } else {
                if (at == null) {
                    throw new IllegalArgumentException("line " + op.index() + ": process " + op.process()
                            + " completes an operation it never invoked");
                }
                completions.set(at, op);
                open.remove(op.process());
            }
        }
        List<Operation> out = new ArrayList<>(invokes.size());
        for (int i = 0; i < invokes.size(); i++) {
            out.add(new Operation(invokes.get(i), completions.get(i)));
        }
        return out;
    }

    /** Lines that are events (watch changes, phase markers), in order. */
    public List<Op> events(String f) {
        return ops.stream().filter(op -> op.isEvent() && op.f().equals(f)).toList();
    }

    /** The time the first phase marker named {@code phase} was recorded, or -1 if there is none. */
    public long phaseStart(String phase) {
        for (Op op : ops) {
            if (op.f().equals(Op.PHASE) && phase.equals(op.value().detail())) {
                return op.timeNanos();
            }
        }
        return -1;
    }

    /** Time of the last line, or 0 for an empty history. */
    public long endNanos() {
        return ops.isEmpty() ? 0 : ops.getLast().timeNanos();
    }
}
