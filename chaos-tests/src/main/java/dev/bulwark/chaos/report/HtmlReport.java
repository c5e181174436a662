package dev.bulwark.chaos.report;

import dev.bulwark.chaos.checker.CheckResult;
import dev.bulwark.chaos.checker.CompositeChecker.Verdict;
import dev.bulwark.chaos.history.History;
import dev.bulwark.chaos.history.HistoryJson;
import dev.bulwark.chaos.history.Op;
import dev.bulwark.chaos.history.OpType;
import dev.bulwark.chaos.history.Operation;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Renders one run as a self-contained HTML page. Latency points are thinned to at most
 * {@link #MAX_POINTS} (every k-th operation, deterministic) so a 100k-operation run stays a few MB.
 */
public final class HtmlReport {

    static final int MAX_POINTS = 20_000;

    private HtmlReport() {
    }

    /**
     * @param title   page title, e.g. "register / partition,kill / seed 42"
     * @param facts   run parameters shown at the top (seed, workload, nemesis, rate, time, ...)
     */
    public static String render(String title, Map<String, String> facts, History history, Verdict verdict) {
        List<FaultInterval> faults = FaultInterval.of(history);
        List<Operation> ops = history.operations();
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").append(Html.escape(title))
                .append("</title><style>body{font-family:sans-serif;margin:2em;max-width:1000px}"
                        + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;"
                        + "text-align:left;vertical-align:top}.VALID{color:#17692a}.INVALID{color:#b3261e}"
                        + ".UNKNOWN{color:#a35f00}pre{background:#f6f6f6;padding:8px;overflow-x:auto}</style>"
                        + "</head><body>");
        b.append("<h1>").append(Html.escape(title)).append("</h1>");
        b.append("<h2 class=\"").append(verdict.validity()).append("\">Verdict: ").append(verdict.validity())
                .append("</h2><table>");
        facts.forEach((k, v) -> b.append("<tr><th>").append(Html.escape(k)).append("</th><td>")
                .append(Html.escape(v)).append("</td></tr>"));
        b.append("</table><h2>Checkers</h2><table><tr><th>checker</th><th>verdict</th><th>summary</th></tr>");
        for (CheckResult r : verdict.results()) {
            b.append("<tr><td>").append(r.checker()).append("</td><td class=\"").append(r.validity()).append("\">")
                    .append(r.validity()).append("</td><td>").append(Html.escape(r.summary()));
            for (String p : r.problems()) {
                b.append("<br>&bull; ").append(Html.escape(p));
            }
            b.append("</td></tr>");
        }
        b.append("</table><h2>Latency</h2><p>Each ok (green), fail (red) and info (orange) operation at its "
                + "invocation time; shaded: fault windows (hover for the fault).</p>");
        b.append(latencyPlot(ops, faults, history.endNanos()));
        b.append("<h2>Throughput</h2><p>Ok operations per second.</p>");
        b.append(throughputPlot(ops, faults, history.endNanos()));
        b.append("<h2>Faults</h2><table><tr><th>from (s)</th><th>to (s)</th><th>fault</th></tr>");
        for (FaultInterval f : faults) {
            b.append(String.format(java.util.Locale.ROOT, "<tr><td>%.2f</td><td>%.2f</td><td>%s</td></tr>",
                    f.startNanos() / 1e9, f.endNanos() / 1e9, Html.escape(f.what())));
        }
        b.append("</table>");
        failingSubHistories(b, history, verdict);
        return b.append("</body></html>").toString();
    }

    private static String latencyPlot(List<Operation> ops, List<FaultInterval> faults, long endNanos) {
        double maxMs = 1;
        for (Operation o : ops) {
            maxMs = Math.max(maxMs, o.latencyNanos() / 1e6);
        }
        Svg svg = new Svg(endNanos / 1e9, 0.05, maxMs, true, "latency (ms)");
        svg.shade(faults);
        int stride = Math.max(1, ops.size() / MAX_POINTS);
        for (int i = 0; i < ops.size(); i += stride) {
            Operation o = ops.get(i);
            if (o.completion() != null) {
                svg.point(o.callNanos() / 1e9, o.latencyNanos() / 1e6, color(o.outcome()));
            }
        }
        svg.legend(0, color(OpType.OK), "ok");
        svg.legend(1, color(OpType.FAIL), "fail");
        svg.legend(2, color(OpType.INFO), "info");
        return svg.render();
    }

    private static String throughputPlot(List<Operation> ops, List<FaultInterval> faults, long endNanos) {
        int seconds = (int) (endNanos / 1_000_000_000L) + 1;
        double[] xs = new double[seconds];
        double[] ys = new double[seconds];
        for (int i = 0; i < seconds; i++) {
            xs[i] = i + 0.5;
        }
        double max = 1;
        for (Operation o : ops) {
            if (o.isOk()) {
                int s = (int) (o.completion().timeNanos() / 1_000_000_000L);
                ys[Math.min(s, seconds - 1)]++;
                max = Math.max(max, ys[Math.min(s, seconds - 1)]);
            }
        }
        Svg svg = new Svg(endNanos / 1e9, 0, max * 1.1, false, "ok ops/s");
        svg.shade(faults);
        svg.polyline(xs, ys, "#1a5fb4");
        return svg.render();
    }

    private static void failingSubHistories(StringBuilder b, History history, Verdict verdict) {
        for (CheckResult r : verdict.results()) {
            if (r.witness().isEmpty()) {
                continue;
            }
            b.append("<h2>Smallest failing sub-history: ").append(r.checker()).append("</h2><pre>");
            for (long index : new TreeSet<>(r.witness())) {
                Op op = history.ops().get((int) index);
                b.append(Html.escape(HistoryJson.line(op))).append('\n');
            }
            b.append("</pre>");
        }
    }

    private static String color(OpType type) {
        return switch (type) {
            case OK -> "#2e8540";
            case FAIL -> "#c0392b";
            default -> "#e67e22";
        };
    }
}
