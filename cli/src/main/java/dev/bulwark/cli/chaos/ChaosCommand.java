package dev.bulwark.cli.chaos;

import dev.bulwark.chaos.checker.CheckResult;
import dev.bulwark.chaos.checker.CompositeChecker.Verdict;
import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.Json;
import dev.bulwark.cli.OutputOptions;
import dev.bulwark.cli.Table;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code bulwark chaos}: Jepsen-style fault-injection runs against the identity store. */
@Command(name = "chaos", mixinStandardHelpOptions = true, description = "Fault-injection tests of the identity store (Jepsen-style): run, check.",
        subcommands = {ChaosRunCommand.class, ChaosCheckCommand.class})
public final class ChaosCommand {

    /** Prints a verdict as a table or as one JSON object; returns the exit code it implies. */
    static int print(OutputOptions output, Verdict verdict, Map<String, Object> extra, Path report) {
        if (output.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("valid", verdict.valid());
            doc.put("validity", verdict.validity().name().toLowerCase(java.util.Locale.ROOT));
            Map<String, Object> checkers = new LinkedHashMap<>();
            for (CheckResult r : verdict.results()) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("valid", r.valid());
                c.put("validity", r.validity().name().toLowerCase(java.util.Locale.ROOT));
                c.put("summary", r.summary());
                c.put("problems", r.problems());
                c.put("details", new java.util.TreeMap<>(r.details()));
                checkers.put(r.checker(), c);
            }
            doc.put("checkers", checkers);
            doc.putAll(extra);
            doc.put("report", report.toString());
            Json.print(output.out(), doc);
        } else {
            Table t = new Table("CHECKER", "VERDICT", "SUMMARY");
            for (CheckResult r : verdict.results()) {
                t.row(r.checker(), r.validity().name(), r.summary());
            }
            t.print(output.out());
            for (CheckResult r : verdict.results()) {
                for (String p : r.problems()) {
                    output.out().println(r.checker() + ": " + p);
                }
            }
            extra.forEach((k, v) -> output.out().println(k + ": " + v));
            output.out().println("verdict: " + verdict.validity() + "; report: " + report);
            output.out().flush();
        }
        return verdict.valid() ? ExitCode.OK : ExitCode.PROBLEM;
    }
}
