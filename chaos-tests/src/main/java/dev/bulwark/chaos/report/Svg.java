package dev.bulwark.chaos.report;

import java.util.List;
import java.util.Locale;

/**
 * A plot area in SVG: linear time on x (seconds), linear or log10 y, fault intervals shaded behind the
 * data. Coordinates are formatted with one decimal so the page stays small. Not thread-safe.
 */
final class Svg {

    static final int WIDTH = 960;
    static final int HEIGHT = 300;
    private static final int LEFT = 60;
    private static final int RIGHT = 20;
    private static final int TOP = 20;
    private static final int BOTTOM = 40;

    private final StringBuilder b = new StringBuilder();
    private final double maxSeconds;
    private final double yMin;
    private final double yMax;
    private final boolean log;

    Svg(double maxSeconds, double yMin, double yMax, boolean log, String yLabel) {
        this.maxSeconds = Math.max(maxSeconds, 1e-3);
        this.log = log;
        this.yMin = log ? Math.log10(Math.max(yMin, 1e-3)) : yMin;
        this.yMax = log ? Math.log10(Math.max(yMax, yMin * 10)) : Math.max(yMax, yMin + 1);
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">", WIDTH, HEIGHT, WIDTH, HEIGHT));
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fff\" "
                + "stroke=\"#999\"/>", LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM));
        axes(yLabel);
    }

    double x(double seconds) {
        return LEFT + (WIDTH - LEFT - RIGHT) * Math.min(seconds, maxSeconds) / maxSeconds;
    }

    double y(double value) {
        double v = log ? Math.log10(Math.max(value, Math.pow(10, yMin))) : value;
        double f = (v - yMin) / (yMax - yMin);
        return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * Math.max(0, Math.min(1, f));
    }

    void shade(List<FaultInterval> faults) {
        for (FaultInterval f : faults) {
            double x0 = x(f.startNanos() / 1e9);
            double x1 = Math.max(x(f.endNanos() / 1e9), x0 + 1);
            b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                    + "fill=\"#f4c7c3\" opacity=\"0.6\"><title>%s</title></rect>", x0, TOP, x1 - x0,
                    HEIGHT - TOP - BOTTOM, Html.escape(f.what())));
        }
    }

    void point(double seconds, double value, String color) {
        b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.5\" fill=\"%s\"/>",
                x(seconds), y(value), color));
    }

    void polyline(double[] xs, double[] ys, String color) {
        StringBuilder pts = new StringBuilder();
        for (int i = 0; i < xs.length; i++) {
            pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(xs[i]), y(ys[i])));
        }
        b.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1.5\" points=\"")
                .append(pts.toString().trim()).append("\"/>");
    }

    void legend(int slot, String color, String text) {
        int lx = LEFT + 10 + slot * 110;
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                + "<text x=\"%d\" y=\"%d\">%s</text>", lx, TOP + 6, color, lx + 14, TOP + 15, Html.escape(text)));
    }

    private void axes(String yLabel) {
        for (int i = 0; i <= 10; i++) {
            double s = maxSeconds * i / 10;
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.0f</text>",
                    x(s), HEIGHT - BOTTOM + 15, s));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">time (s)</text>",
                (WIDTH + LEFT) / 2, HEIGHT - 5));
        for (int i = 0; i <= 4; i++) {
            double v = yMin + (yMax - yMin) * i / 4;
            double shown = log ? Math.pow(10, v) : v;
            double py = HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * i / 4.0;
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
                    LEFT - 4, py + 4, shown >= 10 ? String.format(Locale.ROOT, "%.0f", shown)
                            : String.format(Locale.ROOT, "%.2g", shown)));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\" "
                + "text-anchor=\"middle\">%s</text>", HEIGHT / 2, HEIGHT / 2, Html.escape(yLabel)));
    }

    String render() {
        return b + "</svg>";
    }
}
