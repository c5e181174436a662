package dev.bulwark.chaos.checker;

import dev.bulwark.chaos.checker.WglSearch.Call;
import dev.bulwark.chaos.checker.WriteOnceRegister.RegisterOp;
import dev.bulwark.chaos.history.History;
import dev.bulwark.chaos.history.Op;
import dev.bulwark.chaos.history.OpType;
import dev.bulwark.chaos.history.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-label-set linearizability: each key's allocate/read operations must be linearizable against
 * {@link WriteOnceRegister}, checked independently per key (P-compositionality) with {@link WglSearch}.
 *
 * <p>Before the search, per key: {@code fail} operations are dropped (they did not happen), {@code info}
 * reads are dropped (reads change nothing), and of the {@code info} allocations only the one invoked
 * first is kept. That last step is exact for a write-once register: an unknown allocation matters only if
 * it moves the register out of EMPTY, the earliest-invoked one can do so at any point a later one could,
 * and every other one is then a no-op that may be placed anywhere after its call.
 */
public final class LinearizabilityChecker implements Checker {

    /** Keys with at most this many operations get their counterexample minimized. */
    private static final int MINIMIZE_LIMIT = 500;

    @Override
    public String name() {
        return "linearizable";
    }

    @Override
    public CheckResult check(History history) {
        Map<String, List<Operation>> byKey = new TreeMap<>();
        for (Operation o : history.operations()) {
            if ((o.f().equals(Op.ALLOCATE) || o.f().equals(Op.READ)) && o.key() != null) {
                byKey.computeIfAbsent(o.key(), k -> new ArrayList<>()).add(o);
            }
        }
        List<String> problems = new ArrayList<>();
        List<Long> witness = new ArrayList<>();
        int checkedOps = 0;
        for (Map.Entry<String, List<Operation>> e : byKey.entrySet()) {
            List<Operation> ops = reduce(e.getValue());
            checkedOps += ops.size();
            if (!linearizable(ops)) {
                List<Operation> smallest = ops.size() <= MINIMIZE_LIMIT ? minimize(ops) : ops;
                problems.add("key " + e.getKey() + ": " + ops.size() + " operations are not linearizable; a "
                        + smallest.size() + "-operation sub-history is not either: " + describe(smallest));
                if (witness.isEmpty()) {
                    smallest.forEach(o -> witness.addAll(indexes(o)));
                }
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("keys", byKey.size());
        details.put("operations-checked", checkedOps);
        details.put("keys-not-linearizable", problems.size());
        return problems.isEmpty()
                ? new CheckResult(name(), Validity.VALID, byKey.size() + " keys, " + checkedOps
                        + " operations linearizable", problems, witness, details)
                : new CheckResult(name(), Validity.INVALID, problems.size() + " of " + byKey.size()
                        + " keys not linearizable", problems, witness, details);
    }

    static List<Operation> reduce(List<Operation> ops) {
        List<Operation> out = new ArrayList<>();
        Operation firstUnknownAllocation = null;
        for (Operation o : ops) {
            switch (o.outcome()) {
                case OK -> out.add(o);
                case INFO -> {
                    if (o.f().equals(Op.ALLOCATE) && (firstUnknownAllocation == null
                            || o.callNanos() < firstUnknownAllocation.callNanos())) {
                        firstUnknownAllocation = o;
                    }
                }
                default -> { }
            }
        }
        if (firstUnknownAllocation != null) {
            out.add(firstUnknownAllocation);
        }
        return out;
    }

    static boolean linearizable(List<Operation> ops) {
        List<Call<RegisterOp>> calls = new ArrayList<>(ops.size());
        for (int i = 0; i < ops.size(); i++) {
            Operation o = ops.get(i);
            boolean known = o.outcome() == OpType.OK;
            calls.add(new Call<>(new RegisterOp(o.f().equals(Op.ALLOCATE), known, known ? o.id() : null, i),
                    o.callNanos(), o.returnNanos()));
        }
        return WglSearch.check(new WriteOnceRegister(), calls).linearizable();
    }

    /**
     * Removes reads one at a time while the rest stays non-linearizable. Only reads are removed: a read
     * changes no state, so a non-linearizable subset without some reads proves the whole history is not
     * linearizable; removing an allocation could invent a violation.
     */
    static List<Operation> minimize(List<Operation> ops) {
        List<Operation> current = new ArrayList<>(ops);
        for (int i = current.size() - 1; i >= 0; i--) {
            if (current.get(i).f().equals(Op.READ)) {
                List<Operation> without = new ArrayList<>(current);
                without.remove(i);
                if (!linearizable(without)) {
                    current = without;
                }
            }
        }
        return current;
    }

    static String describe(List<Operation> ops) {
        StringBuilder b = new StringBuilder();
        for (Operation o : ops) {
            if (!b.isEmpty()) {
                b.append("; ");
            }
            b.append("p").append(o.process()).append(' ').append(o.f()).append(' ').append(o.outcome().wire());
            if (o.isOk()) {
                b.append(' ').append(o.id() == null ? "not-found" : o.id());
            }
            b.append(" [line ").append(o.invoke().index()).append(']');
        }
        return b.toString();
    }

    static List<Long> indexes(Operation o) {
        return o.completion() == null ? List.of(o.invoke().index())
                : List.of(o.invoke().index(), o.completion().index());
    }
}
