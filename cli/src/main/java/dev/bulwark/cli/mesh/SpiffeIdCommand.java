package dev.bulwark.cli.mesh;

import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.Json;
import dev.bulwark.cli.OutputOptions;
import dev.bulwark.cli.Table;
import dev.bulwark.mesh.spiffe.InvalidSpiffeIdException;
import dev.bulwark.mesh.spiffe.SpiffeId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code bulwark spiffe-id parse ID...}: strict SPIFFE ID validation. */
@Command(name = "spiffe-id", description = "Validate SPIFFE IDs by the SPIFFE-ID standard.",
        subcommands = SpiffeIdCommand.Parse.class)
public final class SpiffeIdCommand {

    @Command(name = "parse", description = {
            "Parse each ID strictly and print valid/invalid, trust domain, path and the broken rule.",
            "With --output json: one object per ID per line: {input, valid, trustDomain, path, reason}.",
            "Exits 1 if any ID is invalid."})
    static final class Parse implements Callable<Integer> {

        @Mixin
        OutputOptions output;

        @Parameters(paramLabel = "ID", arity = "1..*", description = "e.g. spiffe://cluster-a.example/identity/4242")
        List<String> ids = new ArrayList<>();

        @Override
        public Integer call() {
            boolean allValid = true;
            Table table = new Table("INPUT", "VALID", "TRUST DOMAIN", "PATH", "REASON");
            for (String input : ids) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("input", input);
                try {
                    SpiffeId id = SpiffeId.parse(input);
                    row.put("valid", true);
                    row.put("trustDomain", id.trustDomain().name());
                    row.put("path", id.path());
                    row.put("reason", null);
                } catch (InvalidSpiffeIdException e) {
                    allValid = false;
                    row.put("valid", false);
                    row.put("trustDomain", null);
                    row.put("path", null);
                    row.put("reason", e.rule() + ": " + e.getMessage());
                }
                if (output.json()) {
                    Json.print(output.out(), row);
                } else {
                    table.row(input, (Boolean) row.get("valid") ? "valid" : "invalid", orDash(row.get("trustDomain")),
                            orDash(row.get("path")), orDash(row.get("reason")));
                }
            }
            if (!output.json()) {
                table.print(output.out());
                output.out().flush();
            }
            return allValid ? ExitCode.OK : ExitCode.PROBLEM;
        }

        private static String orDash(Object o) {
            return o == null || o.toString().isEmpty() ? "-" : o.toString();
        }
    }
}
