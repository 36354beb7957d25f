package dev.hardlight.browser;

import dev.hardlight.netty.ClientOptions;
import dev.hardlight.netty.HardLight;
import dev.hardlight.netty.HardLightServer;
import dev.hardlight.netty.Tls;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The browser benchmark: the same calls from Chromium with the generated TypeScript client, from the
 * Java client, and from Chromium with a minimal JSON-over-WebSocket client to a minimal Netty server,
 * all over TLS on loopback; sequential (latency) and with 64 in flight (calls/s); plus the TypeScript
 * codec against JSON on the same nested message. Two echoes from the same page, to a plain WebSocket echo
 * server, give the browser's ceilings: the raw echo (one message per call) and, at 64 in flight, the
 * batched echo (one message holding the 64 calls' BATCH per round trip, as HardLight's runtime sends
 * them). The HardLight server runs its handlers on the I/O
 * thread ({@code handlerExecutor(Runnable::run)}), as the JSON server does. A benchmark, not a test:
 * {@link BrowserBenchmarkRun} runs it in full, {@link BrowserBenchmarkSmokeTest} briefly.
 */
final class BrowserBenchmark {
    /**
     * @param rounds each figure is measured this many times, the three clients taking turns within a
     *     round (so a burst of load on a shared machine hits them alike); the median round is reported
     */
    record Settings(double warmup, double seconds, int inFlight, int codecIterations, int rounds) {}

    private BrowserBenchmark() {}

    static final class MeterHandler implements Meter {
        @Override
        public int increment(int value) {
            return value + 1;
        }

        @Override
        public Order order(Order order) {
            return order;
        }
    }

    static final Meter.Order ORDER = new Meter.Order(1234567890123L, "Ada Lovelace",
            new Meter.Address("12 Analytical Engine Way", "London", "NW1 2DB", "GB"),
            List.of(new Meter.Line("SKU-000123", 2, 19.99), new Meter.Line("SKU-004567", 1, 249.5),
                    new Meter.Line("SKU-089012", 12, 0.35)),
            Instant.ofEpochSecond(1764979200L, 123000000), true);

    /** Runs every measurement; returns the figures by name (each a map of calls/s, p50, ...). */
    static Map<String, Object> run(Settings s, Path certs) throws Exception {
        Tls tls = Tls.selfSigned("localhost").persistIn(certs);
        Map<String, Object> results = new LinkedHashMap<>();
        try (HardLightServer server = HardLight.server(Meter.class, c -> new MeterHandler())
                .tls(tls).bind("127.0.0.1", 0).handlerExecutor(Runnable::run).staticFiles(LabServer.WEB).start();
                JsonWsServer json = new JsonWsServer(certs);
                EchoServer echo = new EchoServer(certs);
                Chromium chromium = Chromium.launch("BrowserBenchmark", tls.publicKeyPin())) {
            URI page = URI.create("https://localhost:" + server.port() + "/index.html");
            // A tab Playwright drives pays for its instrumentation on every WebSocket message (js/bare.mjs)
            boolean playwright = Boolean.getBoolean("hl.bench.playwright");
            if (playwright) {
                chromium.open("bench", page);
            } else {
                chromium.openBare("bench", page);
            }
            String hl = "wss://localhost:" + server.port() + "/hl";
            String js = "wss://localhost:" + json.port() + "/json";
            String raw = "wss://localhost:" + echo.port() + "/echo";
            boolean baseline = Boolean.getBoolean("hl.bench.baseline");
            CpuMeter cpu = new CpuMeter(chromium.process());
            Duration timeout = Duration.ofSeconds((long) (s.warmup() + s.seconds()) * 2 + 60);
            MeterClient java = HardLight.connect(URI.create(hl), ClientOptions.pinned(server.tlsFingerprint()), MeterClient.FACTORY);
            try {
                for (String workload : List.of("increment", "order")) {
                    for (int inFlight : new int[] {1, s.inFlight()}) {
                        String suffix = workload + (inFlight == 1 ? " sequential" : " " + inFlight + " in flight");
                        Map<String, Object> arg = Map.of("workload", workload, "warmup", s.warmup(), "seconds", s.seconds(),
                                "inFlight", inFlight);
                        List<Map<String, Object>> browserHl = new ArrayList<>();
                        List<Map<String, Object>> browserJson = new ArrayList<>();
                        List<Map<String, Object>> javaHl = new ArrayList<>();
                        List<Map<String, Object>> browserRaw = new ArrayList<>();
                        List<Map<String, Object>> browserBatch = new ArrayList<>();
                        List<Map<String, Object>> browserBaseline = new ArrayList<>();
                        for (int round = 0; round < s.rounds(); round++) {
                            browserHl.add(cpu.measure(s, () -> map(chromium.run("bench", "benchHardLight", with(arg, "url", hl), timeout))));
                            browserJson.add(cpu.measure(s, () -> map(chromium.run("bench", "benchJson", with(arg, "url", js), timeout))));
                            javaHl.add(cpu.measure(s, () -> javaClient(java, workload, s, inFlight)));
                            browserRaw.add(cpu.measure(s, () -> map(chromium.run("bench", "benchRaw", with(arg, "url", raw), timeout))));
                            if (inFlight > 1) {
                                browserBatch.add(cpu.measure(s, () -> map(chromium.run("bench", "benchRawBatch", with(arg, "url", raw), timeout))));
                            }
                            if (baseline) {
                                browserBaseline.add(cpu.measure(s, () -> map(chromium.run("bench", "benchHardLightBaseline", with(arg, "url", hl), timeout))));
                            }
                        }
                        results.put("chromium hardlight " + suffix, median(browserHl));
                        results.put("chromium json " + suffix, median(browserJson));
                        results.put("java hardlight " + suffix, median(javaHl));
                        results.put("chromium raw echo " + suffix, median(browserRaw));
                        if (inFlight > 1) {
                            results.put("chromium batched echo " + suffix, median(browserBatch));
                        }
                        if (baseline) {
                            results.put("chromium hardlight baseline " + suffix, median(browserBaseline));
                        }
                    }
                }
            } finally {
                java.close();
            }
            // the codec in turns too, when a baseline runtime is bundled beside it
            List<Map<String, Object>> codec = new ArrayList<>();
            List<Map<String, Object>> codecBaseline = new ArrayList<>();
            for (int round = 0; round < (baseline ? s.rounds() : 1); round++) {
                codec.add(map(chromium.run("bench", "benchCodec", Map.of("iterations", s.codecIterations()), timeout)));
                if (baseline) {
                    codecBaseline.add(map(chromium.run("bench", "benchCodecBaseline", Map.of("iterations", s.codecIterations()), timeout)));
                }
            }
            results.put("chromium codec order", medianCodec(codec));
            if (baseline) {
                results.put("chromium codec order baseline", medianCodec(codecBaseline));
                results.put("chromium codec order rounds", codec);
                results.put("chromium codec order baseline rounds", codecBaseline);
            }
            chromium.quit();
        }
        return results;
    }

    /** The codec round with the median encode ratio to JSON.stringify. */
    private static Map<String, Object> medianCodec(List<Map<String, Object>> rounds) {
        List<Map<String, Object>> sorted = new ArrayList<>(rounds);
        sorted.sort(Comparator.comparingDouble(r -> num(r, "hardlightEncode") / num(r, "jsonEncode")));
        return sorted.get(sorted.size() / 2);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    /** The round with the median rate, with every round's rate beside it. */
    private static Map<String, Object> median(List<Map<String, Object>> rounds) {
        List<Map<String, Object>> sorted = new ArrayList<>(rounds);
        sorted.sort(Comparator.comparingDouble(r -> num(r, "rate")));
        Map<String, Object> m = new LinkedHashMap<>(sorted.get(sorted.size() / 2));
        m.put("roundRates", rounds.stream().map(r -> (Object) num(r, "rate")).toList());
        return m;
    }

    private static Map<String, Object> with(Map<String, Object> m, String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(m);
        copy.put(key, value);
        return copy;
    }

    /** The Java client, measured the way the page measures: the same warm-up, window and figures. */
    private static Map<String, Object> javaClient(MeterClient client, String workload, Settings s, int inFlight) throws Exception {
        measureJava(client, workload, s.warmup(), inFlight, null);
        List<Long> latencies = new ArrayList<>();
        long started = System.nanoTime();
        long calls = measureJava(client, workload, s.seconds(), inFlight, inFlight == 1 ? latencies : null);
        double elapsed = (System.nanoTime() - started) / 1e9;
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("calls", (double) calls);
        r.put("seconds", elapsed);
        r.put("rate", calls / elapsed);
        r.put("p50", sorted.length == 0 ? 0.0 : sorted[sorted.length / 2] / 1e6);
        r.put("p99", sorted.length == 0 ? 0.0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))] / 1e6);
        r.put("mean", elapsed * 1000 * inFlight / calls);
        return r;
    }

    private static long measureJava(MeterClient client, String workload, double seconds, int inFlight, List<Long> latencies)
            throws InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        if (inFlight == 1) {
            long calls = 0;
            int i = 0;
            while (System.nanoTime() < end) {
                long t = System.nanoTime();
                if (workload.equals("increment")) {
                    client.increment(i++);
                } else {
                    client.order(ORDER);
                }
                if (latencies != null) {
                    latencies.add(System.nanoTime() - t);
                }
                calls++;
            }
            return calls;
        }
        Semaphore slots = new Semaphore(inFlight);
        AtomicLong calls = new AtomicLong();
        int i = 0;
        while (System.nanoTime() < end) {
            slots.acquire();
            var f = workload.equals("increment") ? client.incrementAsync(i++) : client.orderAsync(ORDER);
            f.whenComplete((v, e) -> {
                calls.incrementAndGet();
                slots.release();
            });
        }
        if (!slots.tryAcquire(inFlight, 30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("calls still in flight 30 s after the window");
        }
        return calls.get();
    }

    /**
     * The results as a table: one row per workload and load, the clients side by side (with the raw
     * echo ceiling and, when measured, the baseline runtime), then the codec. Rows with calls in flight
     * add the batched echo (a batching runtime's ceiling) with its ratio to the Java client and
     * HardLight's ratio to it; a sequential row leaves those columns empty.
     */
    @SuppressWarnings("unchecked")
    static String table(Map<String, Object> results) {
        StringBuilder b = new StringBuilder();
        b.append("Chromium's tab: ").append(tab()).append("\n\n");
        boolean baseline = results.keySet().stream().anyMatch(k -> k.startsWith("chromium hardlight baseline "));
        b.append(String.format("%-28s %14s %14s %14s %14s %9s %9s %9s %14s %11s %11s", "calls", "chromium HL", "java HL", "chromium JSON",
                "raw echo", "HL/JSON", "HL/java", "HL/raw", "batched echo", "batch/java", "HL/batch"));
        b.append(baseline ? String.format(" %14s %9s%n", "HL baseline", "base/JSON") : "\n");
        for (String key : results.keySet()) {
            if (!key.startsWith("chromium hardlight ") || key.startsWith("chromium hardlight baseline ")) {
                continue;
            }
            String suffix = key.substring("chromium hardlight ".length());
            Map<String, Object> c = (Map<String, Object>) results.get(key);
            Map<String, Object> j = (Map<String, Object>) results.get("java hardlight " + suffix);
            Map<String, Object> n = (Map<String, Object>) results.get("chromium json " + suffix);
            Map<String, Object> r = (Map<String, Object>) results.get("chromium raw echo " + suffix);
            Map<String, Object> o = (Map<String, Object>) results.get("chromium hardlight baseline " + suffix);
            Map<String, Object> e = (Map<String, Object>) results.get("chromium batched echo " + suffix);
            boolean sequential = suffix.endsWith("sequential");
            String unit = sequential ? "p50 ms" : "calls/s";
            String field = sequential ? "p50" : "rate";
            double cv = num(c, field);
            double jv = num(j, field);
            double nv = num(n, field);
            double rv = num(r, field);
            b.append(String.format("%-28s %14s %14s %14s %14s %9.2f %9.2f %9.2f", suffix + " (" + unit + ")", fmt(cv, sequential),
                    fmt(jv, sequential), fmt(nv, sequential), fmt(rv, sequential), sequential ? nv / cv : cv / nv,
                    sequential ? jv / cv : cv / jv, sequential ? rv / cv : cv / rv));
            b.append(e == null ? String.format(" %14s %11s %11s", "", "", "")
                    : String.format(" %14s %11.2f %11.2f", fmt(num(e, field), false), num(e, field) / jv, cv / num(e, field)));
            b.append(o == null ? "\n" : String.format(" %14s %9.2f%n", fmt(num(o, field), sequential),
                    sequential ? nv / num(o, field) : num(o, field) / nv));
            if (e != null) {
                b.append(String.format("  (batched echo: one message of %d bytes holding %d calls; round trip p50 %.3f ms, p99 %.3f ms)%n",
                        (long) num(e, "bytes"), (long) num(e, "callsPerMessage"), num(e, "p50"), num(e, "p99")));
            }
            if (sequential) {
                b.append(String.format("%-28s %14s %14s %14s %14s%n", "  (mean ms)", fmt(num(c, "mean"), true), fmt(num(j, "mean"), true),
                        fmt(num(n, "mean"), true), fmt(num(r, "mean"), true)));
            }
        }
        b.append(String.format("%nCPU per call (us, the median round's run with its warm-up): JVM (server and Java client), Chromium's renderer, network service, browser and other processes%n"));
        for (String key : results.keySet()) {
            if (results.get(key) instanceof Map<?, ?> m && m.get("cpu") instanceof Map<?, ?> cpu) {
                b.append(String.format("  %-44s", key));
                for (var e : cpu.entrySet()) {
                    b.append(String.format(" %s %6.2f", e.getKey(), ((Number) e.getValue()).doubleValue()));
                }
                b.append('\n');
            }
        }
        for (String name : List.of("chromium codec order", "chromium codec order baseline")) {
            Map<String, Object> codec = (Map<String, Object>) results.get(name);
            if (codec == null) {
                continue;
            }
            b.append(String.format("%n%s, the order (%d bytes HardLight, %d bytes JSON), ops/s in Chromium:%n",
                    name.endsWith("baseline") ? "codec of the baseline runtime" : "codec", (long) num(codec, "hardlightBytes"),
                    (long) num(codec, "jsonBytes")));
            b.append(String.format("  encode: HardLight %,.0f  JSON.stringify %,.0f  (+TextEncoder %,.0f)  ratio %.2f%n",
                    num(codec, "hardlightEncode"), num(codec, "jsonEncode"), num(codec, "jsonEncodeToBytes"),
                    num(codec, "hardlightEncode") / num(codec, "jsonEncode")));
            b.append(String.format("  decode: HardLight %,.0f  JSON.parse %,.0f  ratio %.2f%n", num(codec, "hardlightDecode"),
                    num(codec, "jsonDecode"), num(codec, "hardlightDecode") / num(codec, "jsonDecode")));
        }
        return b.toString();
    }

    /** Which tab the page ran in: {@code -Dhl.bench.playwright=true} measures in Playwright's, as the tests drive it. */
    private static String tab() {
        return Boolean.getBoolean("hl.bench.playwright")
                ? "driven by Playwright (its DevTools Network domain reports every WebSocket message)"
                : "driven over a bare DevTools pipe (js/bare.mjs: Runtime only, as a user's browser runs)";
    }

    private static double num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }

    private static String fmt(double v, boolean ms) {
        return ms ? String.format("%.3f", v) : String.format("%,.0f", v);
    }

    static void write(Map<String, Object> results, Settings s, Path out) throws IOException {
        Files.createDirectories(out.getParent());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("settings", Map.of("warmup", s.warmup(), "seconds", s.seconds(), "inFlight", s.inFlight(),
                "codecIterations", s.codecIterations(), "rounds", s.rounds()));
        doc.put("machine", Map.of("processors", Runtime.getRuntime().availableProcessors(), "java", System.getProperty("java.version"),
                "os", System.getProperty("os.name") + " " + System.getProperty("os.version")));
        doc.put("browser", tab());
        doc.put("results", results);
        Files.writeString(out, Json.write(doc) + "\n");
        Files.writeString(out.resolveSibling("browser.txt"), table(results));
    }
}
