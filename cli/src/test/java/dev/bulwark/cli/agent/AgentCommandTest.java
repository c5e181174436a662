package dev.bulwark.cli.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.cli.Bulwark;
import dev.bulwark.cli.ExitCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Argument handling of {@code bulwark agent ...} (no agent needed). */
class AgentCommandTest {

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Bulwark.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void startNeedsANodeName() {
        Result r = run("agent", "start");
        assertEquals(ExitCode.USAGE, r.code());
        assertTrue(r.err().contains("--node"), r.err());
    }

    @Test
    void malformedAddressesNameTheOption() {
        Result r = run("agent", "start", "--node", "n1", "--distributor", "nowhere");
        assertEquals(ExitCode.PROBLEM, r.code());
        assertTrue(r.err().contains("--distributor: expected HOST:PORT"), r.err());
        Result f = run("agent", "flows", "--api", "localhost:99999");
        assertEquals(ExitCode.USAGE, f.code());
        assertTrue(f.err().contains("--api: port must be 0..65535"), f.err());
    }

    @Test
    void flowsReportsAnUnreachableAgent() {
        Result r = run("agent", "flows", "--api", "127.0.0.1:1");
        assertEquals(ExitCode.UNAVAILABLE, r.code());
        assertTrue(r.err().contains("unreachable"), r.err());
    }

    @Test
    void datapathIsAnInstalledVerdictPlugin() {
        assertEquals("kernel", new KernelVerdictDatapath().name());
        Result r = run("bench", "datapath", "--help");
        assertEquals(ExitCode.OK, r.code(), r.err());
        assertTrue(r.out().contains("C/libbpf"), r.out());
    }
}
