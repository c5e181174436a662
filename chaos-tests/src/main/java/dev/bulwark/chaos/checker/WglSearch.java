package dev.bulwark.chaos.checker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Wing &amp; Gong's linearizability search with Lowe's memoisation (WGL): a depth-first search over
 * linearization points that never revisits a (set of linearized operations, model state) pair. This is
 * the algorithm of Porcupine's {@code checkSingle}, written from Lowe's paper. Exponential in the worst
 * case (concurrency), so callers partition histories by key first (P-compositionality).
 *
 * <p>Operations with an unknown outcome carry {@code returnNanos = Long.MAX_VALUE}: they may be
 * linearized at any point after their call, including after every other operation. Single-threaded.
 */
public final class WglSearch {

    private WglSearch() {
    }

    /**
     * One operation to linearize.
     *
     * @param op          the model's operation
     * @param callNanos   invocation time
     * @param returnNanos completion time, {@code Long.MAX_VALUE} when unknown
     */
    public record Call<T>(T op, long callNanos, long returnNanos) {
    }

    /** The outcome: linearizable or not, and the largest set of operations the search linearized. */
    public record Result(boolean linearizable, int longestPrefix) {
    }

    private static final class Entry {
        final int id;
        final boolean isCall;
        final long time;
        Entry match;
        Entry prev;
        Entry next;

        Entry(int id, boolean isCall, long time) {
            this.id = id;
            this.isCall = isCall;
            this.time = time;
        }
    }

    private record Cached(BitSet linearized, long state) {
    }

    private record Frame(Entry entry, long state) {
    }

    public static <T> Result check(SequentialModel<T> model, List<Call<T>> calls) {
        Entry head = build(calls);
        long state = model.initial();
        BitSet linearized = new BitSet(calls.size());
        Set<Cached> cache = new HashSet<>();
        Deque<Frame> stack = new ArrayDeque<>();
        int longest = 0;
        Entry entry = head.next;
        while (head.next != null) {
            if (entry.isCall) {
                long next = model.step(state, calls.get(entry.id).op());
                boolean advanced = false;
                if (next != SequentialModel.ILLEGAL) {
                    BitSet candidate = (BitSet) linearized.clone();
                    candidate.set(entry.id);
                    if (cache.add(new Cached(candidate, next))) {
                        stack.push(new Frame(entry, state));
                        state = next;
                        linearized = candidate;
                        longest = Math.max(longest, stack.size());
                        lift(entry);
                        entry = head.next;
                        advanced = true;
                    }
                }
                if (!advanced) {
                    entry = entry.next;
                }
            } else {
                if (stack.isEmpty()) {
                    return new Result(false, longest);
                }
                Frame top = stack.pop();
                state = top.state();
                linearized = (BitSet) linearized.clone();
                linearized.clear(top.entry().id);
                unlift(top.entry());
                entry = top.entry().next;
            }
        }
        return new Result(true, calls.size());
    }

    /** A doubly linked list of call and return entries in time order, with a sentinel head. */
    private static <T> Entry build(List<Call<T>> calls) {
        List<Entry> entries = new ArrayList<>(calls.size() * 2);
        for (int i = 0; i < calls.size(); i++) {
            Call<T> c = calls.get(i);
            if (c.returnNanos() < c.callNanos()) {
                throw new IllegalArgumentException("operation " + i + " returns before it is called");
            }
            Entry call = new Entry(i, true, c.callNanos());
            Entry ret = new Entry(i, false, c.returnNanos());
            call.match = ret;
            ret.match = call;
            entries.add(call);
            entries.add(ret);
        }
        // At equal times calls sort before returns: operations that touch are treated as concurrent.
        Entry[] sorted = entries.toArray(Entry[]::new);
        Arrays.sort(sorted, Comparator.comparingLong((Entry e) -> e.time).thenComparing(e -> !e.isCall));
        Entry head = new Entry(-1, false, Long.MIN_VALUE);
        Entry last = head;
        for (Entry e : sorted) {
            last.next = e;
            e.prev = last;
            last = e;
        }
        return head;
    }

    private static void lift(Entry call) {
        call.prev.next = call.next;
        call.next.prev = call.prev;
        Entry ret = call.match;
        ret.prev.next = ret.next;
        if (ret.next != null) {
            ret.next.prev = ret.prev;
        }
    }

    private static void unlift(Entry call) {
        Entry ret = call.match;
        ret.prev.next = ret;
        if (ret.next != null) {
            ret.next.prev = ret;
        }
        call.prev.next = call;
        call.next.prev = call;
    }
}
