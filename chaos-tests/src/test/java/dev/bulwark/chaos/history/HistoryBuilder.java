package dev.bulwark.chaos.history;

import java.util.ArrayList;
import java.util.List;

/** Hand-written histories for checker tests: times are given explicitly in milliseconds. */
public final class HistoryBuilder {

    private final List<Op> ops = new ArrayList<>();

    private HistoryBuilder add(OpType type, int process, String f, OpValue value, String error, long ms) {
        ops.add(new Op(ops.size(), type, process, f, value, error, ms * 1_000_000L));
        return this;
    }

    public HistoryBuilder invoke(int p, String f, String key, long ms) {
        return add(OpType.INVOKE, p, f, OpValue.ofKey(key), null, ms);
    }

    /** An ok completion; id null means "not found" for a read. */
    public HistoryBuilder ok(int p, String f, String key, Long id, Long revision, long ms) {
        return add(OpType.OK, p, f, new OpValue(key, id, revision, null), null, ms);
    }

    public HistoryBuilder ok(int p, String f, String key, Long id, long ms) {
        return ok(p, f, key, id, null, ms);
    }

    public HistoryBuilder fail(int p, String f, String key, long ms) {
        return add(OpType.FAIL, p, f, OpValue.ofKey(key), "UNAVAILABLE", ms);
    }

    public HistoryBuilder info(int p, String f, String key, long ms) {
        return add(OpType.INFO, p, f, OpValue.ofKey(key), "DEADLINE_EXCEEDED", ms);
    }

    /** A complete allocate: invoke at {@code from}, ok at {@code to}. */
    public HistoryBuilder allocate(int p, String key, long id, long revision, long from, long to) {
        return invoke(p, Op.ALLOCATE, key, from).ok(p, Op.ALLOCATE, key, id, revision, to);
    }

    /** A complete read; id null means not found. */
    public HistoryBuilder read(int p, String key, Long id, long from, long to) {
        return invoke(p, Op.READ, key, from).ok(p, Op.READ, key, id, to);
    }

    public HistoryBuilder phase(String name, long ms) {
        return add(OpType.OK, Op.NEMESIS, Op.PHASE, OpValue.ofDetail(name), null, ms);
    }

    public HistoryBuilder watch(int p, long from, long ms) {
        return add(OpType.INVOKE, p, Op.WATCH, new OpValue(null, null, from, null), null, ms);
    }

    public HistoryBuilder event(int p, String key, long id, long revision, String kind, long ms) {
        return add(OpType.OK, p, Op.WATCH_EVENT, new OpValue(key, id, revision, kind), null, ms);
    }

    public HistoryBuilder nemesis(OpType type, String f, String detail, long ms) {
        return add(type, Op.NEMESIS, f, OpValue.ofDetail(detail), null, ms);
    }

    public History build() {
        return new History(ops);
    }
}
