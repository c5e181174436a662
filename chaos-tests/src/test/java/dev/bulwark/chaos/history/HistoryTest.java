package dev.bulwark.chaos.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {

    @Test
    void pairsInvocationsWithCompletionsPerProcess() {
        History h = new HistoryBuilder()
                .invoke(0, Op.ALLOCATE, "a", 1).invoke(1, Op.READ, "a", 2)
                .ok(1, Op.READ, "a", null, 3).info(0, Op.ALLOCATE, "a", 4)
                .invoke(2, Op.ALLOCATE, "b", 5)
                .build();
        List<Operation> ops = h.operations();
        assertEquals(3, ops.size());
        assertEquals(OpType.INFO, ops.get(0).outcome());
        assertEquals(Long.MAX_VALUE, ops.get(0).returnNanos(), "info may take effect any time later");
        assertEquals(OpType.OK, ops.get(1).outcome());
        assertNull(ops.get(2).completion());
        assertEquals(OpType.INFO, ops.get(2).outcome(), "no completion counts as info");
    }

    @Test
    void rejectsTwoOutstandingOperationsOnOneProcess() {
        History h = new HistoryBuilder().invoke(0, Op.READ, "a", 1).invoke(0, Op.READ, "a", 2).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, h::operations);
        assertTrue(e.getMessage().contains("process 0 invokes while line 0 is outstanding"), e.getMessage());
    }

    @Test
    void rejectsCompletionWithoutInvocation() {
        History h = new HistoryBuilder().ok(3, Op.READ, "a", 1L, 1).build();
        assertThrows(IllegalArgumentException.class, h::operations);
    }

    @Test
    void jsonLinesRoundTrip(@TempDir Path dir) {
        Path file = dir.resolve("history.jsonl");
        AtomicLong clock = new AtomicLong(1_000);
        try (HistoryRecorder r = new HistoryRecorder(() -> clock.addAndGet(500), file)) {
            r.append(OpType.INVOKE, 0, Op.ALLOCATE, OpValue.ofKey("k8s:app=web"), null);
            r.append(OpType.OK, 0, Op.ALLOCATE, new OpValue("k8s:app=web", 65_536L, 7L, null), null);
            r.append(OpType.INFO, Op.NEMESIS, "kill", OpValue.ofDetail("n1"), "timeout");
        }
        History back = HistoryJson.read(file);
        assertEquals(3, back.size());
        Op ok = back.ops().get(1);
        assertEquals(new Op(1, OpType.OK, 0, Op.ALLOCATE, new OpValue("k8s:app=web", 65_536L, 7L, null), null, 1_000),
                ok);
        assertEquals("timeout", back.ops().get(2).error());
        assertEquals(1, back.operations().size());
    }

    @Test
    void malformedLineNamesLineAndField(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, "{\"index\":0,\"type\":\"invoke\",\"process\":0,\"f\":\"read\",\"time\":1}\n"
                + "{\"index\":1,\"type\":\"ok\",\"process\":0,\"time\":2}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HistoryJson.read(file));
        assertEquals("history line 2.f: missing", e.getMessage());
        Files.writeString(file, "{\"index\":0,\"type\":\"maybe\",\"process\":0,\"f\":\"read\",\"time\":1}\n");
        e = assertThrows(IllegalArgumentException.class, () -> HistoryJson.read(file));
        assertTrue(e.getMessage().startsWith("history line 1.type: "), e.getMessage());
    }

    @Test
    void indexesMustBeGapFree() {
        Op op = new Op(5, OpType.INVOKE, 0, Op.READ, null, null, 0);
        assertThrows(IllegalArgumentException.class, () -> new History(List.of(op)));
        assertEquals(0, History.renumbered(List.of(op)).ops().getFirst().index());
    }
}
