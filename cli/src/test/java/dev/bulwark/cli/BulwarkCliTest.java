package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BulwarkCliTest {


    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void helpListsCommandsAndExitCodes() {
        CliRun r = run("--help");
        assertEquals(ExitCode.OK, r.code());
        assertTrue(r.out().contains("labels"), r.out());
        assertTrue(r.out().contains("Exit codes:"), r.out());
    }

    @Test
    void everyCommandAnswersHelp() {
        for (String[] command : new String[][] {{"labels"}, {"labels", "parse"}, {"policy"}, {"policy", "verdict"},
                {"bench"}, {"identity"}, {"allocator"}, {"spiffe-id"}, {"up"}, {"demo"}, {"status"}}) {
            String[] args = java.util.Arrays.copyOf(command, command.length + 1);
            args[command.length] = "--help";
            CliRun r = run(args);
            assertEquals(ExitCode.OK, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.out().startsWith("Usage: bulwark " + String.join(" ", command)), r.out());
        }
    }

    @Test
    void labelsParsePrintsCanonicalFormAsTableAndJson() {
        CliRun table = run("labels", "parse", "app=web", "k8s:io.kubernetes.pod.namespace=x");
        assertEquals(ExitCode.OK, table.code(), table.err());
        assertTrue(table.out().contains("canonical: k8s:app=web;k8s:io.kubernetes.pod.namespace=x;"), table.out());

        CliRun json = run("labels", "parse", "--output", "json", "reserved:host");
        assertEquals(ExitCode.OK, json.code(), json.err());
        assertEquals("{\"canonical\":\"reserved:host=;\",\"labels\":[\"reserved:host\"]}", json.out().strip());
    }

    @Test
    void badLabelIsAProblemNamingThePosition() {
        CliRun r = run("labels", "parse", "app=web", "app=has space");
        assertEquals(ExitCode.PROBLEM, r.code());
        assertTrue(r.err().contains("labels[1]"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void unknownOptionIsAUsageError() {
        CliRun r = run("labels", "parse", "--no-such-option", "a=b");
        assertEquals(ExitCode.USAGE, r.code());
    }
}
