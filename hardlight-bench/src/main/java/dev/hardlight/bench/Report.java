package dev.hardlight.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The outputs of a run: the ratio table on the console, {@code results.json} with every figure, and
 * the latency chart ({@link LatencyChart}). Ratios are HardLight's figure over the other system's:
 * above 1 is better for rates, below 1 is better for latencies and bytes.
 */
final class Report {
    private final Settings settings;
    private final List<Figure> figures;
    private final List<Scalar> scalars;
    private final List<String> errors;
    private final double seconds;

    Report(Settings settings, List<Figure> figures, List<Scalar> scalars, List<String> errors, double seconds) {
        this.settings = settings;
        this.figures = figures;
        this.scalars = scalars;
        this.errors = errors;
        this.seconds = seconds;
    }

    Figure find(String system, String mode, boolean tls, String scenario) {
        for (Figure f : figures) {
            if (f.system().equals(system) && f.mode().equals(mode) && f.tls() == tls && f.scenario().equals(scenario)) {
                return f;
            }
        }
        return null;
    }

    double scalar(String name, String system, boolean tls) {
        for (Scalar s : scalars) {
            if (s.name().equals(name) && s.system().equals(system) && s.tls() == tls) {
                return s.value();
            }
        }
        return Double.NaN;
    }

    /** One design target: HardLight's figure over the reference's, against a bound. */
    record Target(String name, double ratio, double bound, boolean atMost) {
        /** "met", "MISSED" or "n/a" (not measured in this run). */
        String verdict() {
            if (Double.isNaN(ratio)) {
                return "n/a";
            }
            return (atMost ? ratio <= bound : ratio >= bound) ? "met" : "MISSED";
        }
    }

    private interface Metric {
        double of(Figure f);
    }

    private double ratio(Figure hl, Figure other, Metric m) {
        return hl == null || other == null ? Double.NaN : m.of(hl) / m.of(other);
    }

    List<Target> targets() {
        List<Target> t = new ArrayList<>();
        Figure hlDirect = find("hardlight", "direct", true, "1x256");
        Figure hlDefault = find("hardlight", "default", true, "1x256");
        t.add(new Target("1x256 TLS calls/s, hardlight direct / grpc direct >= 3", ratio(hlDirect,
                find("grpc", "direct", true, "1x256"), Figure::rate), 3, false));
        t.add(new Target("1x256 TLS calls/s, hardlight direct / netty-ws >= 0.7", ratio(hlDirect,
                find("netty-ws", "raw", true, "1x256"), Figure::rate), 0.7, false));
        t.add(new Target("1x256 TLS calls/s, hardlight default / grpc default >= 5", ratio(hlDefault,
                find("grpc", "default", true, "1x256"), Figure::rate), 5, false));
        for (String mode : List.of("direct", "default")) {
            Figure hl = find("hardlight", mode, true, "sequential");
            Figure g = find("grpc", mode, true, "sequential");
            t.add(new Target("sequential TLS p50, hardlight " + mode + " / grpc " + mode + " <= 0.75",
                    ratio(hl, g, Figure::p50), 0.75, true));
            t.add(new Target("sequential TLS p99, hardlight " + mode + " / grpc " + mode + " <= 0.75",
                    ratio(hl, g, Figure::p99), 0.75, true));
        }
        Figure hlBusy = find("hardlight", "busy-poll", true, "sequential");
        t.add(new Target("busy-poll sequential TLS p50, hardlight / grpc <= 0.6",
                ratio(hlBusy, find("grpc", "busy-poll", true, "sequential"), Figure::p50), 0.6, true));
        t.add(new Target("busy-poll sequential TLS p50, hardlight / netty-ws <= 1.5",
                ratio(hlBusy, find("netty-ws", "busy-poll", true, "sequential"), Figure::p50), 1.5, true));
        int max = settings.fanoutSizes()[settings.fanoutSizes().length - 1];
        t.add(new Target("fan-out to " + max + " TLS deliveries/s, hardlight / grpc >= 3",
                ratio(find("hardlight", "", true, "fanout-" + max), find("grpc", "", true, "fanout-" + max),
                        Figure::rate), 3, false));
        double hlHeap = scalar("idle-heap-per-connection", "hardlight", true);
        double grpcHeap = scalar("idle-heap-per-connection", "grpc", true);
        t.add(new Target("idle heap per connection, hardlight KiB < 16", hlHeap / 1024, 16, true));
        t.add(new Target("idle heap per connection, hardlight / grpc <= 0.5", hlHeap / grpcHeap, 0.5, true));
        return t;
    }

    void printTable(PrintStream out) {
        for (boolean tls : new boolean[] {true, false}) {
            if (figures.stream().noneMatch(f -> f.tls() == tls && f.system().equals("hardlight")
                    && !f.scenario().startsWith("fanout") && !f.mode().equals("busy-poll"))) {
                continue;
            }
            out.printf("Unary increment(int), %s. Ratio = HardLight / other (rates: higher is better; latencies: lower).%n",
                    tls ? "TLS 1.3 BoringSSL" : "plaintext");
            out.printf("%-11s %-8s|%12s %12s %6s %12s %6s |%12s %12s %6s%n", "scenario", "metric",
                    "HL direct", "gRPC direct", "x", "netty WS", "x", "HL default", "gRPC default", "x");
            List<String> scenarios = new ArrayList<>(List.of("sequential"));
            for (int[] sc : settings.scenarios()) {
                scenarios.add(sc[0] + "x" + sc[1]);
            }
            for (String sc : scenarios) {
                Figure hd = find("hardlight", "direct", tls, sc);
                Figure gd = find("grpc", "direct", tls, sc);
                Figure ws = find("netty-ws", "raw", tls, sc);
                Figure hf = find("hardlight", "default", tls, sc);
                Figure gf = find("grpc", "default", tls, sc);
                List<Object[]> metrics = sc.equals("sequential")
                        ? List.of(new Object[] {"p50 us", (Metric) Figure::p50}, new Object[] {"p99 us", (Metric) Figure::p99},
                                new Object[] {"p99.9 us", (Metric) Figure::p999}, new Object[] {"calls/s", (Metric) Figure::rate})
                        : List.of(new Object[] {"calls/s", (Metric) Figure::rate}, new Object[] {"p50 us", (Metric) Figure::p50},
                                new Object[] {"p99 us", (Metric) Figure::p99}, new Object[] {"cpu us", (Metric) Figure::cpuUs});
                for (Object[] m : metrics) {
                    Metric metric = (Metric) m[1];
                    out.printf("%-11s %-8s|%12s %12s %6s %12s %6s |%12s %12s %6s%n", sc, m[0],
                            num(hd, metric), num(gd, metric), rat(ratio(hd, gd, metric)), num(ws, metric),
                            rat(ratio(hd, ws, metric)), num(hf, metric), num(gf, metric), rat(ratio(hf, gf, metric)));
                }
            }
            out.println();
        }
        if (figures.stream().anyMatch(f -> f.mode().equals("busy-poll"))) {
            out.println("Busy-poll event loops on both sides (handlers on the I/O thread), sequential = 1 call in flight.");
            out.printf("%-10s %-11s %-8s|%12s %12s %6s %12s %6s%n", "", "scenario", "metric", "HL busy", "gRPC busy", "x",
                    "WS busy", "x");
            for (boolean tls : new boolean[] {true, false}) {
                for (String sc : List.of("sequential", "1x256")) {
                    Figure h = find("hardlight", "busy-poll", tls, sc);
                    Figure g = find("grpc", "busy-poll", tls, sc);
                    Figure w = find("netty-ws", "busy-poll", tls, sc);
                    if (g == null && w == null) {
                        continue;
                    }
                    for (Object[] m : List.of(new Object[] {"p50 us", (Metric) Figure::p50},
                            new Object[] {"p99 us", (Metric) Figure::p99}, new Object[] {"calls/s", (Metric) Figure::rate})) {
                        Metric metric = (Metric) m[1];
                        out.printf("%-10s %-11s %-8s|%12s %12s %6s %12s %6s%n", tls ? "TLS" : "plaintext", sc, m[0],
                                num(h, metric), num(g, metric), rat(ratio(h, g, metric)), num(w, metric), rat(ratio(h, w, metric)));
                    }
                }
            }
            out.println();
        }
        Figure spin = find("tcp", "busy-spin", false, "sequential");
        Figure blocking = find("tcp", "blocking", false, "sequential");
        if (spin != null || blocking != null) {
            out.printf("Floor, raw TCP 16-byte ping-pong, sequential: busy-spin p50 %s us p99 %s us; blocking p50 %s us p99 %s us%n%n",
                    num(spin, Figure::p50), num(spin, Figure::p99), num(blocking, Figure::p50), num(blocking, Figure::p99));
        }
        if (figures.stream().anyMatch(f -> f.scenario().startsWith("fanout"))) {
            out.println("Events, TLS: one emit to N subscribed connections (HardLight topic, gRPC server streams, raw WebSocket writes).");
            out.printf("%-13s %-13s|%12s %12s %6s %12s %6s%n", "scenario", "metric", "HardLight", "gRPC", "x", "netty WS", "x");
            for (int n : settings.fanoutSizes()) {
                Figure h = find("hardlight", "", true, "fanout-" + n);
                Figure g = find("grpc", "", true, "fanout-" + n);
                Figure w = find("netty-ws", "", true, "fanout-" + n);
                for (Object[] m : List.of(new Object[] {"deliveries/s", (Metric) Figure::rate},
                        new Object[] {"p50 us", (Metric) Figure::p50}, new Object[] {"p99 us", (Metric) Figure::p99},
                        new Object[] {"cpu us/deliv", (Metric) Figure::cpuUs})) {
                    Metric metric = (Metric) m[1];
                    out.printf("%-13s %-13s|%12s %12s %6s %12s %6s%n", "fanout-" + n, m[0], num(h, metric), num(g, metric),
                            rat(ratio(h, g, metric)), num(w, metric), rat(ratio(h, w, metric)));
                }
            }
            double hlHeap = scalar("idle-heap-per-connection", "hardlight", true);
            double gHeap = scalar("idle-heap-per-connection", "grpc", true);
            double wHeap = scalar("idle-heap-per-connection", "netty-ws", true);
            out.printf("%-13s %-13s|%12s %12s %6s %12s %6s%n%n", "idle conns", "heap B/conn", fmt(hlHeap), fmt(gHeap),
                    rat(hlHeap / gHeap), fmt(wHeap), rat(hlHeap / wHeap));
        }
        if (scalars.stream().anyMatch(s -> s.name().startsWith("codec-"))) {
            out.println("Codec (JMH): HardLight generated codecs vs protobuf-java " + "4.36.2 generated messages.");
            out.printf("%-26s|%12s %12s %6s%n", "benchmark", "HardLight", "protobuf", "x");
            for (String b : List.of("EncodeSmall", "DecodeSmall", "EncodeNested", "DecodeNested")) {
                double h = scalar("codec-" + b, "hardlight", false);
                double p = scalar("codec-" + b, "protobuf", false);
                out.printf("%-26s|%12s %12s %6s%n", b + " ns/op", fmt(h), fmt(p), rat(h / p));
                double ha = scalar("codec-" + b + "-alloc", "hardlight", false);
                double pa = scalar("codec-" + b + "-alloc", "protobuf", false);
                if (!Double.isNaN(ha)) {
                    out.printf("%-26s|%12s %12s %6s%n", b + " alloc B/op", fmt(ha), fmt(pa), rat(ha / pa));
                }
            }
            out.printf("%-26s|%12s %12s %6s%n", "EncodeNestedFromDomain ns", "", fmt(scalar("codec-EncodeNestedFromDomain",
                    "protobuf", false)), "");
            for (String size : List.of("small", "nested")) {
                double h = scalar("codec-size-" + size, "hardlight", false);
                double p = scalar("codec-size-" + size, "protobuf", false);
                out.printf("%-26s|%12s %12s %6s%n", size + " encoded bytes", fmt(h), fmt(p), rat(h / p));
            }
            out.println();
        }
        out.println("Targets (docs/benchmarks.md, DESIGN.md):");
        for (Target t : targets()) {
            out.printf("  %-6s %-62s ratio %s%n", t.verdict(), t.name(), rat(t.ratio()));
        }
    }

    private static String num(Figure f, Metric m) {
        return f == null ? "-" : fmt(m.of(f));
    }

    static String fmt(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "-";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String rat(double r) {
        return Double.isNaN(r) || Double.isInfinite(r) ? "-" : String.format(Locale.ROOT, "%.2f", r);
    }

    Path writeJson(Path file) throws IOException {
        StringBuilder j = new StringBuilder();
        j.append("{\n  \"run\": {");
        field(j, "settings", settings.toString()).append(", ");
        field(j, "machine", Machine.describe()).append(", ");
        field(j, "finished", Instant.now().toString()).append(", ");
        j.append("\"seconds\": ").append(number(seconds)).append(", \"errors\": [");
        for (int i = 0; i < errors.size(); i++) {
            j.append(i > 0 ? ", " : "").append(string(errors.get(i)));
        }
        j.append("]},\n  \"figures\": [\n");
        for (int i = 0; i < figures.size(); i++) {
            Figure f = figures.get(i);
            j.append("    {");
            field(j, "system", f.system()).append(", ");
            field(j, "mode", f.mode()).append(", ");
            j.append("\"tls\": ").append(f.tls()).append(", ");
            field(j, "scenario", f.scenario()).append(", ");
            j.append("\"rate_per_s\": ").append(number(f.rate()))
                    .append(", \"p50_us\": ").append(number(f.p50()))
                    .append(", \"p99_us\": ").append(number(f.p99()))
                    .append(", \"p999_us\": ").append(number(f.p999()))
                    .append(", \"count\": ").append(f.count())
                    .append(", \"cpu_us_per_call\": ").append(number(f.cpuUs())).append('}')
                    .append(i < figures.size() - 1 ? ",\n" : "\n");
        }
        j.append("  ],\n  \"scalars\": [\n");
        for (int i = 0; i < scalars.size(); i++) {
            Scalar s = scalars.get(i);
            j.append("    {");
            field(j, "name", s.name()).append(", ");
            field(j, "system", s.system()).append(", ");
            j.append("\"tls\": ").append(s.tls()).append(", \"value\": ").append(number(s.value())).append(", ");
            field(j, "unit", s.unit()).append('}').append(i < scalars.size() - 1 ? ",\n" : "\n");
        }
        j.append("  ],\n  \"targets\": [\n");
        List<Target> targets = targets();
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            j.append("    {");
            field(j, "target", t.name()).append(", \"ratio\": ").append(number(t.ratio())).append(", ");
            field(j, "verdict", t.verdict()).append('}').append(i < targets.size() - 1 ? ",\n" : "\n");
        }
        j.append("  ]\n}\n");
        Files.createDirectories(file.getParent());
        Files.writeString(file, j, StandardCharsets.UTF_8);
        return file;
    }

    Path writeSvg(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, LatencyChart.svg(figures, Machine.cpu()), StandardCharsets.UTF_8);
        return file;
    }

    private static StringBuilder field(StringBuilder j, String name, String value) {
        return j.append(string(name)).append(": ").append(string(value));
    }

    static String string(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static String number(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "null" : String.format(Locale.ROOT, "%.3f", v);
    }
}
