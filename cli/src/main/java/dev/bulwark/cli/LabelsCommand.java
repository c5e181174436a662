package dev.bulwark.cli;

import dev.bulwark.model.InvalidLabelException;
import dev.bulwark.model.Label;
import dev.bulwark.model.LabelSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code bulwark labels}: validate and canonicalise label sets the way identities are keyed. */
@Command(name = "labels", description = "Validate labels and print their canonical identity key.",
        subcommands = {LabelsCommand.Parse.class})
final class LabelsCommand {

    @Command(name = "parse", description = {
            "Parse LABEL... (source:key=value; no source means k8s) into one canonical label set.",
            "Prints each label and the canonical key that identities are stored under."})
    static final class Parse implements Callable<Integer> {

        @Mixin
        OutputOptions output;

        @Parameters(paramLabel = "LABEL", arity = "1..*", description = "e.g. k8s:app=web reserved:host cidr:10.0.0.0/8")
        List<String> labels = new ArrayList<>();

        @Override
        public Integer call() {
            LabelSet set;
            try {
                set = LabelSet.parse(labels);
            } catch (InvalidLabelException e) {
                output.error(e.at("labels").getMessage());
                return ExitCode.PROBLEM;
            }
            if (output.json()) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("canonical", set.canonical());
                doc.put("labels", set.labels().stream().map(Label::toString).toList());
                Json.print(output.out(), doc);
            } else {
                Table t = new Table("SOURCE", "KEY", "VALUE");
                for (Label l : set) {
                    t.row(l.source(), l.key(), l.value());
                }
                t.print(output.out());
                output.out().println("canonical: " + set.canonical());
                output.out().flush();
            }
            return ExitCode.OK;
        }
    }
}
