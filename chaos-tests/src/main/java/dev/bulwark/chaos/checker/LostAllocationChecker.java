package dev.bulwark.chaos.checker;

import dev.bulwark.chaos.history.History;
import dev.bulwark.chaos.history.Op;
import dev.bulwark.chaos.history.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * No acknowledged allocation is lost: after the faults are healed, a read of every label set with an
 * acknowledged allocation (the "final-reads" phase), invoked after the acknowledgement, returns that
 * allocation's id. A label set that no such final read reached makes the verdict UNKNOWN, not VALID.
 */
public final class LostAllocationChecker implements Checker {

    /** The phase whose reads count as final. */
    public static final String FINAL_PHASE = "final-reads";

    @Override
    public String name() {
        return "no-lost-allocations";
    }

    @Override
    public CheckResult check(History history) {
        long finalStart = history.phaseStart(FINAL_PHASE);
        Map<String, Operation> acknowledged = new LinkedHashMap<>();
        Map<String, List<Operation>> finalReads = new LinkedHashMap<>();
        for (Operation o : history.operations()) {
            if (!o.isOk() || o.key() == null) {
                continue;
            }
            if (o.f().equals(Op.ALLOCATE) && o.id() != null) {
                // The earliest acknowledgement: every final read after it must return its id.
                acknowledged.merge(o.key(), o, (a, b) -> a.returnNanos() <= b.returnNanos() ? a : b);
            } else if (o.f().equals(Op.READ) && finalStart >= 0 && o.callNanos() >= finalStart) {
                finalReads.computeIfAbsent(o.key(), k -> new ArrayList<>()).add(o);
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("acknowledged", acknowledged.size());
        if (finalStart < 0) {
            details.put("lost", 0);
            details.put("unverified", acknowledged.size());
            return new CheckResult(name(), acknowledged.isEmpty() ? Validity.VALID : Validity.UNKNOWN,
                    "no final-reads phase in the history", List.of(), List.of(), details);
        }
        List<String> problems = new ArrayList<>();
        List<Long> witness = new ArrayList<>();
        int unverified = 0;
        for (Operation alloc : acknowledged.values()) {
            // Only final reads invoked after the acknowledgement can vouch for it.
            List<Operation> reads = finalReads.getOrDefault(alloc.key(), List.of()).stream()
                    .filter(r -> r.callNanos() > alloc.returnNanos()).toList();
            if (reads.isEmpty()) {
                unverified++;
                continue;
            }
            for (Operation r : reads) {
                if (!alloc.id().equals(r.id())) {
                    problems.add("key " + alloc.key() + ": acknowledged id " + alloc.id() + " [line "
                            + alloc.completion().index() + "], final read returned "
                            + (r.id() == null ? "not-found" : r.id()) + " [line " + r.completion().index() + "]");
                    if (witness.isEmpty()) {
                        witness.addAll(LinearizabilityChecker.indexes(alloc));
                        witness.addAll(LinearizabilityChecker.indexes(r));
                    }
                    break;
                }
            }
        }
        details.put("lost", problems.size());
        details.put("unverified", unverified);
        if (!problems.isEmpty()) {
            return new CheckResult(name(), Validity.INVALID, problems.size() + " acknowledged allocations lost",
                    problems, witness, details);
        }
        if (unverified > 0) {
            return new CheckResult(name(), Validity.UNKNOWN, unverified + " of " + acknowledged.size()
                    + " acknowledged allocations had no successful final read", problems, witness, details);
        }
        return new CheckResult(name(), Validity.VALID, "all " + acknowledged.size()
                + " acknowledged allocations present after heal", problems, witness, details);
    }
}
