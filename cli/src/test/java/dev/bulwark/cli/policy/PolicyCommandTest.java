package dev.bulwark.cli.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.cli.CliRun;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The policy commands end to end through the CLI entry point: output formats and exit codes. */
class PolicyCommandTest {


    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static String file(String name) throws URISyntaxException {
        return Path.of(PolicyCommandTest.class.getResource("/policy/" + name).toURI()).toString();
    }

    @Test
    void verdictPrintsTruthTablesAndSucceedsWhenEverythingMatches() throws Exception {
        CliRun r = run("policy", "verdict", file("docs-reference-example.yaml"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("6379/TCP"), r.out());
        assertTrue(r.out().contains("0 mismatch(es)"), r.out());
    }

    @Test
    void verdictJsonIsOneDocumentedObjectPerProbe() throws Exception {
        CliRun r = run("policy", "verdict", "-o", "json", file("docs-reference-example.yaml"));
        assertEquals(0, r.code(), r.err());
        String first = r.out().lines().findFirst().orElseThrow();
        assertTrue(first.matches("\\{\"scenario\":\"[^\"]+\",\"file\":\"[^\"]+\",\"from\":\"default/db\",\"to\":\"default/frontend\","
                + "\"port\":6379,\"protocol\":\"TCP\",\"expect\":\"deny\",\"verdict\":\"deny\"}"), first);
    }

    @Test
    void aMismatchIsMarkedAndExitsOne() throws Exception {
        CliRun r = run("policy", "verdict", file("mismatch.yaml"));
        assertEquals(1, r.code());
        assertTrue(r.out().contains("MISMATCH default/frontend -> default/db 6379/TCP: expected deny, got allow"), r.out());
        assertTrue(r.out().contains("allow*"), r.out());
    }

    @Test
    void anInvalidPolicyNamesFileDocumentAndField() throws Exception {
        CliRun r = run("policy", "verdict", file("bad-port.yaml"));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("bad-port.yaml: policies[0] (NetworkPolicy x/p): spec.ingress[0].ports[0].port: 70000 is outside 1..65535"),
                r.err());
        CliRun v = run("policy", "validate", file("bad-port.yaml"), file("docs-reference-example.yaml"));
        assertEquals(1, v.code());
        assertTrue(v.out().contains("INVALID") && v.out().contains("ok "), v.out());
    }

    @Test
    void traceNamesTheRuleThatAllowedAndTheIsolationThatDenied() throws Exception {
        CliRun allowed = run("policy", "trace", "--from", "default/frontend", "--to", "default/db", "--port", "6379/TCP",
                file("docs-reference-example.yaml"));
        assertEquals(0, allowed.code(), allowed.err());
        assertTrue(allowed.out().contains("ALLOW"), allowed.out());
        assertTrue(allowed.out().contains("allowed by NetworkPolicy default/test-network-policy: spec.ingress[0].from[2]"), allowed.out());
        CliRun denied = run("policy", "trace", "--from", "other/frontend", "--to", "default/db", "--port", "6379/TCP",
                file("docs-reference-example.yaml"));
        assertTrue(denied.out().contains("DENY"), denied.out());
        assertTrue(denied.out().contains("isolated by NetworkPolicy default/test-network-policy spec.ingress[0]"), denied.out());
    }

    @Test
    void compilePrintsEveryEndpointAndTheIpcache() throws Exception {
        CliRun r = run("policy", "compile", file("docs-reference-example.yaml"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("default/db  identity"), r.out());
        assertTrue(r.out().contains("172.17.1.0/24"), r.out());
    }
}
