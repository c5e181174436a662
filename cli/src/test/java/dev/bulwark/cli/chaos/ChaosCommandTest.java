package dev.bulwark.cli.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.chaos.history.HistoryRecorder;
import dev.bulwark.chaos.history.Op;
import dev.bulwark.chaos.history.OpType;
import dev.bulwark.chaos.history.OpValue;
import dev.bulwark.cli.ExitCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ChaosCommandTest {

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ChaosCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private static Path history(Path dir, long secondId) {
        Path file = dir.resolve("history.jsonl");
        AtomicLong t = new AtomicLong();
        try (HistoryRecorder r = new HistoryRecorder(() -> t.addAndGet(1_000_000), file)) {
            r.append(OpType.INVOKE, 0, Op.ALLOCATE, OpValue.ofKey("a"), null);
            r.append(OpType.OK, 0, Op.ALLOCATE, new OpValue("a", 300L, 1L, null), null);
            r.append(OpType.OK, Op.NEMESIS, Op.PHASE, OpValue.ofDetail("final-reads"), null);
            r.append(OpType.INVOKE, 1, Op.READ, OpValue.ofKey("a"), null);
            r.append(OpType.OK, 1, Op.READ, new OpValue("a", secondId, 1L, null), null);
        }
        return file;
    }

    @Test
    void checkPrintsOneJsonObjectWithValidCheckersAndCounts(@TempDir Path dir) throws Exception {
        Result ok = run("check", history(dir, 300).toString(), "--output", "json");
        assertEquals(ExitCode.OK, ok.code(), ok.err());
        JsonNode doc = new ObjectMapper().readTree(ok.out());
        assertTrue(doc.get("valid").asBoolean());
        assertEquals("valid", doc.get("checkers").get("linearizable").get("validity").asText());
        assertEquals(6, doc.get("checkers").size());
        assertTrue(Files.exists(Path.of(doc.get("report").asText())));

        Result lost = run("check", history(dir, 301).toString(), "-o", "json");
        assertEquals(ExitCode.PROBLEM, lost.code());
        JsonNode bad = new ObjectMapper().readTree(lost.out());
        assertTrue(!bad.get("valid").asBoolean());
        assertEquals("invalid", bad.get("checkers").get("no-lost-allocations").get("validity").asText());
    }

    @Test
    void badOptionsNameTheOption(@TempDir Path dir) {
        Result r = run("run", "--time", "5x");
        assertEquals(ExitCode.USAGE, r.code());
        assertTrue(r.err().contains("--time: expected a number with ms, s, m or h"), r.err());
        r = run("run", "--nemesis", "flood");
        assertEquals(ExitCode.USAGE, r.code());
        assertTrue(r.err().contains("nemesis: unknown fault 'flood'"), r.err());
        r = run("run", "--workload", "bank");
        assertTrue(r.err().contains("workload: unknown 'bank'"), r.err());
        r = run("check", dir.resolve("missing.jsonl").toString());
        assertEquals(ExitCode.UNAVAILABLE, r.code());
    }
}
