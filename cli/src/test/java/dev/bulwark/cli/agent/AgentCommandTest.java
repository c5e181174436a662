package dev.bulwark.cli.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.cli.CliRun;
import dev.bulwark.cli.ExitCode;
import org.junit.jupiter.api.Test;

/** Argument handling of {@code bulwark agent ...} (no agent needed). */
class AgentCommandTest {


    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void startNeedsANodeName() {
        CliRun r = run("agent", "start");
        assertEquals(ExitCode.USAGE, r.code());
        assertTrue(r.err().contains("--node"), r.err());
    }

    @Test
    void malformedAddressesNameTheOption() {
        CliRun r = run("agent", "start", "--node", "n1", "--distributor", "nowhere");
        assertEquals(ExitCode.PROBLEM, r.code());
        assertTrue(r.err().contains("--distributor: expected HOST:PORT"), r.err());
        CliRun f = run("agent", "flows", "--api", "localhost:99999");
        assertEquals(ExitCode.USAGE, f.code());
        assertTrue(f.err().contains("--api: port must be 0..65535"), f.err());
    }

    @Test
    void stateDirIsDocumentedAndGoesWithThePinRoot() {
        CliRun help = run("agent", "start", "--help");
        assertEquals(ExitCode.OK, help.code(), help.err());
        assertTrue(help.out().contains("--state-dir") && help.out().contains("/var/run/bulwark/agent"), help.out());
        CliRun r = run("agent", "start", "--node", "n1", "--pin-root", "/");
        assertEquals(ExitCode.PROBLEM, r.code());
        assertTrue(r.err().contains("pinRoot: a directory below / is required"), r.err());
    }

    @Test
    void flowsReportsAnUnreachableAgent() {
        CliRun r = run("agent", "flows", "--api", "127.0.0.1:1");
        assertEquals(ExitCode.UNAVAILABLE, r.code());
        assertTrue(r.err().contains("unreachable"), r.err());
    }

    @Test
    void datapathIsAnInstalledVerdictPlugin() {
        assertEquals("kernel", new KernelVerdictDatapath().name());
        CliRun r = run("bench", "datapath", "--help");
        assertEquals(ExitCode.OK, r.code(), r.err());
        assertTrue(r.out().contains("C/libbpf"), r.out());
    }

    @Test
    void endpointAuthNeedsMeshCaAndWellFormedPeers() {
        CliRun r = run("agent", "start", "--node", "n1", "--endpoint-auth", "127.0.0.1:4250");
        assertEquals(ExitCode.USAGE, r.code());
        assertTrue(r.err().contains("--endpoint-auth: needs --mesh-ca"), r.err());
        CliRun p = run("agent", "start", "--node", "n1", "--endpoint-auth", "127.0.0.1:4250", "--mesh-ca", "127.0.0.1:1",
                "--trust-domain", "cluster-a.example", "--auth-peer", "n2");
        assertEquals(ExitCode.USAGE, p.code());
        assertTrue(p.err().contains("--auth-peer: expected NODE=HOST:PORT"), p.err());
        CliRun f = run("agent", "start", "--node", "n1", "--endpoint-auth", "127.0.0.1:4250", "--mesh-ca", "127.0.0.1:1",
                "--trust-domain", "cluster-a.example", "--federate", "300=cluster-b.example");
        assertEquals(ExitCode.USAGE, f.code());
        assertTrue(f.err().contains("--federate: cluster id 300"), f.err());
    }
}
