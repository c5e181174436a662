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
 * Uniqueness (Jepsen's {@code unique-ids}): no identity is ever acknowledged for two label sets. Every
 * acknowledgement counts: ok allocations, ok reads that found an id, and allocated changes on a watch.
 */
public final class UniquenessChecker implements Checker {

    @Override
    public String name() {
        return "unique-ids";
    }

    private record Sighting(String key, long line) {
    }

    @Override
    public CheckResult check(History history) {
        Map<Long, Sighting> owner = new HashMap<>();
        List<String> problems = new ArrayList<>();
        List<Long> witness = new ArrayList<>();
        for (Operation o : history.operations()) {
            if (o.isOk() && o.id() != null && o.key() != null) {
                see(owner, o.id(), new Sighting(o.key(), o.completion().index()), problems, witness);
            }
        }
        for (Op e : history.events(Op.WATCH_EVENT)) {
            if (e.value().id() != null && e.value().key() != null && !"released".equals(e.value().detail())) {
                see(owner, e.value().id(), new Sighting(e.value().key(), e.index()), problems, witness);
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("distinct-ids", owner.size());
        details.put("duplicates", problems.size());
        return problems.isEmpty()
                ? new CheckResult(name(), Validity.VALID, owner.size() + " ids, each for one label set",
                        problems, witness, details)
                : new CheckResult(name(), Validity.INVALID, problems.size() + " ids acknowledged for two label sets",
                        problems, witness, details);
    }

    private static void see(Map<Long, Sighting> owner, long id, Sighting s, List<String> problems, List<Long> witness) {
        Sighting first = owner.putIfAbsent(id, s);
        if (first != null && !first.key().equals(s.key())) {
            problems.add("id " + id + " acknowledged for " + first.key() + " [line " + first.line() + "] and for "
                    + s.key() + " [line " + s.line() + "]");
            if (witness.isEmpty()) {
                witness.add(first.line());
                witness.add(s.line());
            }
        }
    }
}
