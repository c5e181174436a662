package dev.bulwark.chaos.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.chaos.checker.CompositeChecker;
import dev.bulwark.chaos.history.History;
import dev.bulwark.chaos.history.HistoryBuilder;
import dev.bulwark.chaos.history.OpType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    private static History staleReadDuringPartition() {
        return new HistoryBuilder()
                .allocate(0, "k8s:app=a", 300, 1, 0, 1000)
                .nemesis(OpType.INVOKE, "start-partition", "n1<-{n2,n3}", 1500)
                .nemesis(OpType.OK, "start-partition", "n1<-{n2,n3}", 1501)
                .read(1, "k8s:app=a", null, 2000, 2100)
                .nemesis(OpType.INVOKE, "stop-partition", null, 3000)
                .nemesis(OpType.OK, "stop-partition", null, 3001)
                .read(1, "k8s:app=a", 300L, 4000, 4100)
                .build();
    }

    @Test
    void faultIntervalsComeFromNemesisLines() {
        List<FaultInterval> f = FaultInterval.of(staleReadDuringPartition());
        assertEquals(List.of(new FaultInterval(1_500_000_000L, 3_001_000_000L, "start-partition n1<-{n2,n3}")), f);
    }

    @Test
    void failingRunShowsVerdictsShadingAndTheFailingLines() {
        History h = staleReadDuringPartition();
        var verdict = CompositeChecker.identityStore().check(h);
        String html = HtmlReport.render("register / partition / seed 1", Map.of("seed", "<1>"), h, verdict);
        assertTrue(html.contains("Verdict: INVALID"));
        assertTrue(html.contains("<td>linearizable</td><td class=\"INVALID\">"), "linearizability verdict row");
        assertTrue(html.contains("fill=\"#f4c7c3\""), "fault window shaded");
        assertTrue(html.contains("Smallest failing sub-history: linearizable"));
        // The stale read's completion line is part of the failing sub-history.
        assertTrue(html.contains("{&quot;index&quot;:5,&quot;type&quot;:&quot;ok&quot;,&quot;process&quot;:1,"
                + "&quot;f&quot;:&quot;read&quot;"), html);
        assertTrue(html.contains("<td>&lt;1&gt;</td>"), "escaped");
        assertFalse(html.contains("<script"), "no scripts");
        assertFalse(html.contains("<link"), "no external stylesheets");
        assertFalse(html.replace("http://www.w3.org/2000/svg", "").contains("http"), "no external assets");
    }

    @Test
    void validRunHasNoFailingSection() {
        History h = new HistoryBuilder().allocate(0, "a", 300, 1, 0, 1).read(1, "a", 300L, 2, 3)
                .phase("final-reads", 4).read(1, "a", 300L, 5, 6).build();
        var verdict = CompositeChecker.identityStore().check(h);
        String html = HtmlReport.render("t", Map.of(), h, verdict);
        assertTrue(html.contains("Verdict: VALID"), html);
        assertFalse(html.contains("Smallest failing sub-history"));
    }
}
