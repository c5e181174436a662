package dev.bulwark.cli.policy;

import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.Json;
import dev.bulwark.cli.OutputOptions;
import dev.bulwark.policy.parse.InvalidPolicyException;
import dev.bulwark.policy.parse.ParsedDocument;
import dev.bulwark.policy.parse.PolicyParser;
import dev.bulwark.policy.scenario.Scenario;
import dev.bulwark.policy.scenario.ScenarioReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bulwark policy validate FILE...}: every manifest in each file checked, each reported on its
 * own (one bad document never hides the others). A scenario file (top-level {@code policies:}) is
 * checked as a scenario, and each of its policies as a manifest.
 */
@Command(name = "validate", description = {
        "Validate policy manifests (multi-document YAML or JSON, kind: List expanded) or scenario files.",
        "Each document is reported on its own with the path of the offending field. Exits 1 if any is invalid."})
final class ValidateCommand implements Callable<Integer> {

    @Mixin
    OutputOptions output;

    @Option(names = "--namespace", defaultValue = "default", paramLabel = "NS",
            description = "Namespace for namespaced policies that name none. Default: ${DEFAULT-VALUE}.")
    String namespace = "default";

    @Option(names = "--strict", description = "Report documents that are not policies (Namespace, Pod, ...) as invalid instead of skipping them.")
    boolean strict;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Manifest or scenario files.")
    List<Path> files = new ArrayList<>();

    private record Report(String file, String document, String policy, String error, boolean skipped) {
        Report(String file, String document, String policy, String error) {
            this(file, document, policy, error, false);
        }
    }

    @Override
    public Integer call() {
        int status = ExitCode.OK;
        PolicyParser parser = new PolicyParser(namespace);
        List<Report> reports = new ArrayList<>();
        for (Path file : files) {
            String text;
            try {
                text = ScenarioFiles.read(file);
            } catch (ScenarioFiles.Failure e) {
                output.error(e.getMessage());
                status = Math.max(status, ExitCode.UNAVAILABLE);
                continue;
            }
            if (looksLikeScenario(text)) {
                try {
                    Scenario s = ScenarioReader.read(file.toString(), text);
                    for (int i = 0; i < s.policies().size(); i++) {
                        collect(reports, file, "policies[" + i + "]", parser.parseAll(s.policies().get(i)));
                    }
                } catch (InvalidPolicyException e) {
                    reports.add(new Report(file.toString(), "scenario", "", e.getMessage()));
                }
            } else {
                collect(reports, file, "", parser.parseAll(text));
            }
        }
        for (Report r : reports) {
            if (r.error != null && !r.skipped) {
                status = Math.max(status, ExitCode.PROBLEM);
            }
            if (output.json()) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("file", r.file);
                line.put("document", r.document);
                line.put("policy", r.policy);
                line.put("valid", r.error == null);
                line.put("skipped", r.skipped);
                line.put("error", r.error);
                Json.print(output.out(), line);
            } else {
                String where = r.file + ": " + r.document + (r.policy.isEmpty() ? "" : " (" + r.policy + ")");
                output.out().println(r.error == null ? "ok       " + where
                        : (r.skipped ? "skipped  " : "INVALID  ") + where + ": " + r.error);
            }
        }
        output.out().flush();
        return status;
    }

    private static boolean looksLikeScenario(String text) {
        return text.lines().anyMatch(l -> l.startsWith("policies:")) && text.lines().noneMatch(l -> l.startsWith("kind:"));
    }

    private void collect(List<Report> reports, Path file, String prefix, List<ParsedDocument> docs) {
        for (ParsedDocument d : docs) {
            String document = (prefix.isEmpty() ? "" : prefix + " ") + "document " + d.index();
            switch (d) {
                case ParsedDocument.Accepted a -> reports.add(new Report(file.toString(), document, a.policy().ref().toString(), null));
                case ParsedDocument.Rejected r -> reports.add(new Report(file.toString(), document, r.label(), r.error().getMessage(),
                        !strict && r.error().path().equals("kind") && r.error().reason().contains("is not a policy kind")));
            }
        }
    }
}
