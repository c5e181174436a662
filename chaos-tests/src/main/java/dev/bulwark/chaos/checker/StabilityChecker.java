package dev.bulwark.chaos.checker;

import dev.bulwark.chaos.history.History;
import dev.bulwark.chaos.history.Op;
import dev.bulwark.chaos.history.Operation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stability: once an allocation of a label set is acknowledged, every operation on that label set
 * invoked after the acknowledgement returns the same id (a read returning "not found" is a stale read).
 * Implied by linearizability, but checked directly so the report names the two operations.
 */
public final class StabilityChecker implements Checker {

    @Override
    public String name() {
        return "stable";
    }

    @Override
    public CheckResult check(History history) {
        List<Operation> ops = history.operations().stream()
                .filter(o -> o.isOk() && o.key() != null && (o.f().equals(Op.ALLOCATE) || o.f().equals(Op.READ)))
                .toList();
        // Per key, the earliest-acknowledged allocation: it fixes the id from its return on.
        Map<String, Operation> fixed = new HashMap<>();
        for (Operation o : ops) {
            if (o.f().equals(Op.ALLOCATE) && o.id() != null) {
                fixed.merge(o.key(), o, (a, b) -> a.returnNanos() <= b.returnNanos() ? a : b);
            }
        }
        List<String> problems = new ArrayList<>();
        List<Long> witness = new ArrayList<>();
        int checked = 0;
        for (Operation o : ops) {
            Operation alloc = fixed.get(o.key());
            if (alloc == null || o == alloc || o.callNanos() <= alloc.returnNanos()) {
                continue;
            }
            checked++;
            if (!alloc.id().equals(o.id())) {
                problems.add("key " + o.key() + ": allocation acknowledged id " + alloc.id() + " [line "
                        + alloc.completion().index() + "], later " + o.f() + " returned "
                        + (o.id() == null ? "not-found" : o.id()) + " [line " + o.completion().index() + "]");
                if (witness.isEmpty()) {
                    witness.addAll(LinearizabilityChecker.indexes(alloc));
                    witness.addAll(LinearizabilityChecker.indexes(o));
                }
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("operations-after-acknowledgement", checked);
        details.put("unstable", problems.size());
        return problems.isEmpty()
                ? new CheckResult(name(), Validity.VALID, checked + " operations after an acknowledged allocation"
                        + " all returned its id", problems, witness, details)
                : new CheckResult(name(), Validity.INVALID, problems.size() + " stale or changed answers",
                        problems, witness, details);
    }
}
