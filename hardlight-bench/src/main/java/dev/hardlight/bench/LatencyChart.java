package dev.hardlight.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The latency chart: one panel per scenario (sequential and 1 connection x 256 outstanding, TLS and
 * plaintext), a group of three bars per system (p50, p99, p99.9) on a logarithmic microsecond axis.
 * Plain SVG 1.1, written by hand: no dependency, opens in any browser.
 */
final class LatencyChart {
    private LatencyChart() {}

    private static final String[][] SYSTEMS = {
        {"hardlight", "direct"}, {"hardlight", "default"}, {"hardlight", "busy-poll"},
        {"grpc", "direct"}, {"grpc", "default"}, {"grpc", "busy-poll"},
        {"netty-ws", "raw"}, {"netty-ws", "busy-poll"}, {"tcp", "busy-spin"}, {"tcp", "blocking"},
    };
    private static final String[] COLORS = {"#4c78a8", "#f58518", "#e45756"};
    private static final String[] PERCENTILES = {"p50", "p99", "p99.9"};
    private static final int WIDTH = 1100;
    private static final int PANEL_HEIGHT = 300;
    private static final int LEFT = 70;
    private static final int TOP = 40;

    static String svg(List<Figure> figures, String machine) {
        List<List<Figure>> panels = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        for (String scenario : List.of("sequential", "1x256")) {
            for (boolean tls : new boolean[] {true, false}) {
                List<Figure> panel = new ArrayList<>();
                for (String[] s : SYSTEMS) {
                    for (Figure f : figures) {
                        boolean floor = f.system().equals("tcp") && scenario.equals("sequential");
                        if (f.system().equals(s[0]) && f.mode().equals(s[1]) && f.scenario().equals(scenario)
                                && (f.tls() == tls || floor)) {
                            panel.add(f);
                        }
                    }
                }
                if (panel.stream().anyMatch(f -> !f.system().equals("tcp"))) {
                    panels.add(panel);
                    titles.add((scenario.equals("sequential") ? "Sequential round trip" : "1 connection, 256 outstanding")
                            + (tls ? ", TLS 1.3" : ", plaintext")
                            + (scenario.equals("sequential") && !tls ? "" : scenario.equals("sequential") ? " (tcp: plaintext floor)" : ""));
                }
            }
        }
        int height = TOP + Math.max(1, panels.size()) * (PANEL_HEIGHT + 60) + 20;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height, WIDTH, height));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        s.append("<text x=\"").append(LEFT).append("\" y=\"22\" font-size=\"16\" font-weight=\"bold\">")
                .append("Round-trip latency percentiles, microseconds (log scale), loopback on ")
                .append(escape(machine)).append("</text>\n");
        for (int i = 0; i < PERCENTILES.length; i++) {
            int x = WIDTH - 260 + i * 80;
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"10\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"21\">%s</text>%n", x, COLORS[i], x + 16, PERCENTILES[i]));
        }
        for (int p = 0; p < panels.size(); p++) {
            panel(s, titles.get(p), panels.get(p), TOP + p * (PANEL_HEIGHT + 60));
        }
        return s.append("</svg>\n").toString();
    }

    private static void panel(StringBuilder s, String title, List<Figure> figs, int top) {
        int plotTop = top + 24;
        int plotHeight = PANEL_HEIGHT - 30;
        int plotWidth = WIDTH - LEFT - 20;
        double max = 10;
        for (Figure f : figs) {
            max = Math.max(max, f.p999());
        }
        int decades = (int) Math.ceil(Math.log10(max));
        s.append("<text x=\"").append(LEFT).append("\" y=\"").append(top + 14)
                .append("\" font-size=\"14\" font-weight=\"bold\">").append(escape(title)).append("</text>\n");
        for (int d = 0; d <= decades; d++) {
            double y = plotTop + plotHeight - plotHeight * d / (double) decades;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, y, LEFT + plotWidth, y,
                    LEFT - 6, y + 4, label(Math.pow(10, d))));
        }
        double group = plotWidth / (double) Math.max(1, figs.size());
        double bar = Math.min(28, group / 4);
        for (int i = 0; i < figs.size(); i++) {
            Figure f = figs.get(i);
            double[] values = {f.p50(), f.p99(), f.p999()};
            double x0 = LEFT + i * group + (group - 3 * bar) / 2;
            for (int k = 0; k < 3; k++) {
                double v = Math.max(1, values[k]);
                double h = plotHeight * Math.log10(v) / decades;
                double x = x0 + k * bar;
                s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                        + "<title>%s %s: %s us</title></rect>%n", x, plotTop + plotHeight - h, bar - 2, h, COLORS[k],
                        escape(f.label()), PERCENTILES[k], Report.fmt(values[k])));
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" text-anchor=\"middle\">%s</text>%n",
                        x + (bar - 2) / 2, plotTop + plotHeight - h - 3, Report.fmt(values[k])));
            }
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    LEFT + i * group + group / 2, plotTop + plotHeight + 16, escape(f.label())));
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
                LEFT, plotTop + plotHeight, LEFT + plotWidth, plotTop + plotHeight));
    }

    private static String label(double us) {
        return us >= 1000 ? String.format(Locale.ROOT, "%.0f ms", us / 1000) : String.format(Locale.ROOT, "%.0f us", us);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
