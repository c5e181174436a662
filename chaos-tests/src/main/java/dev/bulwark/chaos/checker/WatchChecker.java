package dev.bulwark.chaos.checker;

import dev.bulwark.chaos.history.History;
import dev.bulwark.chaos.history.Op;
import dev.bulwark.chaos.history.OpType;
import dev.bulwark.chaos.history.Operation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Watch-stream completeness. The workload runs one watcher that resubscribes from the last revision it
 * saw whenever its stream breaks, so all its subscriptions together form one chain. Checks:
 * <ul>
 *   <li>order: within a subscription revisions strictly increase (entries of an initial snapshot share
 *       the snapshot's revision), and each subscription delivers only revisions above its from-revision;</li>
 *   <li>no gap: every allocation acknowledged at a revision the watcher has reached was delivered, with
 *       the acknowledged id;</li>
 *   <li>causality: an identity is delivered as created at or before the revision its first
 *       acknowledgement reported.</li>
 * </ul>
 */
public final class WatchChecker implements Checker {

    @Override
    public String name() {
        return "watch-complete";
    }

    private record Seen(long id, long revision, long line) {
    }

    @Override
    public CheckResult check(History history) {
        List<String> problems = new ArrayList<>();
        List<Long> witness = new ArrayList<>();
        Map<Integer, Long> lastInSubscription = new HashMap<>();
        Map<String, Seen> seen = new HashMap<>();
        long reached = -1;
        int events = 0;
        int subscriptions = 0;
        for (Op op : history.ops()) {
            if (op.f().equals(Op.WATCH) && op.type() == OpType.INVOKE) {
                subscriptions++;
                long from = op.value().revision() == null ? 0 : op.value().revision();
                if (reached >= 0 && from > reached) {
                    problem(problems, witness, "subscription from revision " + from + " skips ("
                            + reached + ", " + from + "] [line " + op.index() + "]", op.index());
                }
                lastInSubscription.put(op.process(), from);
            } else if (op.f().equals(Op.WATCH_EVENT)) {
                events++;
                Long rev = op.value().revision();
                Long last = lastInSubscription.get(op.process());
                boolean snapshot = "snapshot".equals(op.value().detail());
                if (rev == null || last == null) {
                    problem(problems, witness, "watch event without revision or subscription [line "
                            + op.index() + "]", op.index());
                    continue;
                }
                if (snapshot ? rev < last : rev <= last) {
                    problem(problems, witness, "revision " + rev + " delivered after " + last + " [line "
                            + op.index() + "]", op.index());
                }
                lastInSubscription.put(op.process(), snapshot ? rev - 1 : rev);
                reached = Math.max(reached, rev);
                if (op.value().key() != null && op.value().id() != null && !"released".equals(op.value().detail())) {
                    seen.putIfAbsent(op.value().key(), new Seen(op.value().id(), rev, op.index()));
                }
            }
        }
        int acknowledged = coverage(history, seen, reached, problems, witness);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("subscriptions", subscriptions);
        details.put("events", events);
        details.put("revision-reached", Math.max(reached, 0));
        details.put("acknowledged-within-reach", acknowledged);
        if (subscriptions == 0) {
            return new CheckResult(name(), Validity.VALID, "no watch subscriptions in this workload",
                    problems, witness, details);
        }
        return problems.isEmpty()
                ? new CheckResult(name(), Validity.VALID, events + " events up to revision " + Math.max(reached, 0)
                        + " covered all " + acknowledged + " acknowledged allocations", problems, witness, details)
                : new CheckResult(name(), Validity.INVALID, problems.size() + " watch violations", problems,
                        witness, details);
    }

    private static int coverage(History history, Map<String, Seen> seen, long reached, List<String> problems,
                                List<Long> witness) {
        int acknowledged = 0;
        for (Operation o : history.operations()) {
            if (!o.isOk() || !o.f().equals(Op.ALLOCATE) || o.id() == null || o.revision() == null
                    || o.revision() > reached) {
                continue;
            }
            acknowledged++;
            Seen s = seen.get(o.key());
            long line = o.completion().index();
            if (s == null) {
                problem(problems, witness, "gap: " + o.key() + " acknowledged as " + o.id() + " at revision "
                        + o.revision() + " [line " + line + "] never delivered (watcher reached " + reached + ")", line);
            } else if (s.id() != o.id()) {
                problem(problems, witness, o.key() + " delivered as " + s.id() + " [line " + s.line()
                        + "] but acknowledged as " + o.id() + " [line " + line + "]", line);
            } else if (s.revision() > o.revision()) {
                problem(problems, witness, o.key() + " delivered as created at revision " + s.revision()
                        + " [line " + s.line() + "] after it was acknowledged at revision " + o.revision()
                        + " [line " + line + "]", line);
            }
        }
        return acknowledged;
    }

    private static void problem(List<String> problems, List<Long> witness, String text, long line) {
        problems.add(text);
        if (witness.size() < 2) {
            witness.add(line);
        }
    }
}
