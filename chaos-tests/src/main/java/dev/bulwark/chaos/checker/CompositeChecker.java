package dev.bulwark.chaos.checker;

import dev.bulwark.chaos.history.History;
import java.util.ArrayList;
import java.util.List;

/** Runs several checkers over one history; the run is valid only when every checker says VALID. */
public final class CompositeChecker {

    private final List<Checker> checkers;

    public CompositeChecker(List<Checker> checkers) {
        this.checkers = List.copyOf(checkers);
    }

    /** Every checker the identity store is held to. */
    public static CompositeChecker identityStore() {
        return new CompositeChecker(List.of(new LinearizabilityChecker(), new UniquenessChecker(),
                new StabilityChecker(), new LostAllocationChecker(), new WatchChecker(), new PerformanceChecker()));
    }

    public Verdict check(History history) {
        List<CheckResult> results = new ArrayList<>();
        Validity overall = Validity.VALID;
        for (Checker c : checkers) {
            CheckResult r = c.check(history);
            results.add(r);
            overall = overall.and(r.validity());
        }
        return new Verdict(overall, results);
    }

    /** The combined verdict and each checker's result, in the order the checkers were given. */
    public record Verdict(Validity validity, List<CheckResult> results) {

        public Verdict {
            results = List.copyOf(results);
        }

        public boolean valid() {
            return validity == Validity.VALID;
        }
    }
}
