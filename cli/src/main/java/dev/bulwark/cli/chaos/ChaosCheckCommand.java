package dev.bulwark.cli.chaos;

import dev.bulwark.chaos.checker.CompositeChecker;
import dev.bulwark.chaos.checker.CompositeChecker.Verdict;
import dev.bulwark.chaos.history.History;
import dev.bulwark.chaos.history.HistoryJson;
import dev.bulwark.chaos.report.HtmlReport;
import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.OutputOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bulwark chaos check HISTORY}: re-checks a recorded history and rewrites its report. */
@Command(name = "check", mixinStandardHelpOptions = true, description = "Check a recorded history.jsonl with every checker and write an HTML report.")
final class ChaosCheckCommand implements Callable<Integer> {

    @Mixin
    OutputOptions output;

    @Parameters(paramLabel = "HISTORY", description = "A history.jsonl written by `bulwark chaos run`.")
    Path history;

    @Option(names = "--report", paramLabel = "FILE", description = "Where to write the report. Default: next to HISTORY.")
    Path report;

    @Override
    public Integer call() {
        History h;
        try {
            h = HistoryJson.read(history);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            output.error(e.getMessage());
            return e instanceof UncheckedIOException ? ExitCode.UNAVAILABLE : ExitCode.PROBLEM;
        }
        long start = System.nanoTime();
        Verdict verdict = CompositeChecker.identityStore().check(h);
        long ms = (System.nanoTime() - start) / 1_000_000;
        Path out = report != null ? report : history.toAbsolutePath().resolveSibling("report.html");
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("history", history + " (" + h.size() + " lines), checked in " + ms + " ms");
        try {
            Files.writeString(out, HtmlReport.render("chaos check " + history.getFileName(), facts, h, verdict));
        } catch (IOException e) {
            output.error("--report " + out + ": " + e.getMessage());
            return ExitCode.UNAVAILABLE;
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("lines", h.size());
        extra.put("check-ms", ms);
        return ChaosCommand.print(output, verdict, extra, out);
    }
}
