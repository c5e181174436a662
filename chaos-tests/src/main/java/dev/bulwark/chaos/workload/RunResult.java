package dev.bulwark.chaos.workload;

import dev.bulwark.chaos.checker.CompositeChecker.Verdict;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a run produced.
 *
 * @param verdict     every checker's result
 * @param counts      operation counts: "ok", "fail", "info" over client operations, plus "nemesis"
 * @param history     the JSONL history
 * @param report      the HTML report
 * @param checkMillis how long checking took
 */
public record RunResult(Verdict verdict, Map<String, Long> counts, Path history, Path report, long checkMillis) {
}
