package dev.bulwark.chaos.checker;

import java.util.List;
import java.util.Map;

/**
 * One checker's result.
 *
 * @param checker  the checker's name, e.g. "linearizable"
 * @param validity the verdict
 * @param summary  one line for people
 * @param problems each violation found, at most {@link #MAX_PROBLEMS}, each naming the operations involved
 * @param witness  history indexes of the smallest failing sub-history found (empty when valid)
 * @param details  figures for the report and the JSON output (counts, percentiles); JSON-friendly values
 */
public record CheckResult(String checker, Validity validity, String summary, List<String> problems,
                          List<Long> witness, Map<String, Object> details) {

    public static final int MAX_PROBLEMS = 20;

    public CheckResult {
        problems = List.copyOf(problems.size() > MAX_PROBLEMS ? problems.subList(0, MAX_PROBLEMS) : problems);
        witness = List.copyOf(witness);
        details = Map.copyOf(details);
    }

    public boolean valid() {
        return validity == Validity.VALID;
    }
}
