package dev.hardlight.browser;

import dev.hardlight.netty.HardLight;
import dev.hardlight.netty.HardLightServer;
import dev.hardlight.netty.Tls;
import io.netty.util.ResourceLeakDetector;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Where the page spends its time, run on demand only (its name is not a test's):
 * {@code ./mvnw -pl hardlight-browser-tests -am verify -Dtest=BrowserProfileRun -Dsurefire.failIfNoSpecifiedTests=false}.
 * Chromium's CPU profiler (through the driver's CDP session) records the generated client making
 * {@code order} calls with 64 in flight, the raw WebSocket echo doing the same (one message per call and
 * the 64 calls as one batched message), and the codec benchmark;
 * each profile goes to {@code target/bench/*.cpuprofile} (open it in Chromium's DevTools) and the
 * functions with the most self time to {@code target/bench/profile.txt}.
 */
class BrowserProfileRun {
    @Test
    @Timeout(600)
    @SuppressWarnings("unchecked")
    void profile() throws Exception {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        Path certs = Files.createTempDirectory("hl-profile-certs");
        Tls tls = Tls.selfSigned("localhost").persistIn(certs);
        Path out = Files.createDirectories(Path.of("target/bench").toAbsolutePath());
        StringBuilder report = new StringBuilder();
        try (HardLightServer server = HardLight.server(Meter.class, c -> new BrowserBenchmark.MeterHandler())
                .tls(tls).bind("127.0.0.1", 0).handlerExecutor(Runnable::run).staticFiles(LabServer.WEB).start();
                EchoServer echo = new EchoServer(certs);
                Chromium chromium = Chromium.launch("BrowserProfileRun", tls.publicKeyPin())) {
            chromium.open("bench", URI.create("https://localhost:" + server.port() + "/index.html"));
            Map<String, Object> calls = Map.of("workload", "order", "warmup", 0.5, "seconds", 3.0, "inFlight", 64);
            // The codec before and after in the same page: the runtime against the baseline runtime
            // bundled beside it (HL_BASELINE_RUNTIME; without one, the same runtime twice), in turns.
            List<Double> encode = new java.util.ArrayList<>();
            List<Double> decode = new java.util.ArrayList<>();
            List<Double> encodeBase = new java.util.ArrayList<>();
            List<Double> decodeBase = new java.util.ArrayList<>();
            Map<String, Object> iterations = Map.of("iterations", 300_000);
            for (int round = 0; round < 7; round++) {
                Map<String, Object> a = (Map<String, Object>) chromium.run("bench", "benchCodec", iterations, Duration.ofSeconds(120));
                Map<String, Object> b = (Map<String, Object>) chromium.run("bench", "benchCodecBaseline", iterations, Duration.ofSeconds(120));
                encode.add(num(a, "hardlightEncode") / num(a, "jsonEncode"));
                decode.add(num(a, "hardlightDecode") / num(a, "jsonDecode"));
                encodeBase.add(num(b, "hardlightEncode") / num(b, "jsonEncode"));
                decodeBase.add(num(b, "hardlightDecode") / num(b, "jsonDecode"));
            }
            report.append(String.format("codec / JSON in Chromium, medians of 7 rounds of 300,000 (each round: the median chunk of 5,000, the functions in turns; runtime, then baseline runtime):%n"
                    + "  encode / JSON.stringify %.2f  baseline %.2f  rounds %s %s%n  decode / JSON.parse %.2f  baseline %.2f  rounds %s %s%n%n",
                    median(encode), median(encodeBase), round(encode), round(encodeBase), median(decode), median(decodeBase),
                    round(decode), round(decodeBase)));
            record Run(String name, String fn, Map<String, Object> arg) {}
            for (Run run : List.of(
                    new Run("hardlight-order-64", "benchHardLight", with(calls, "url", "wss://localhost:" + server.port() + "/hl")),
                    new Run("raw-echo-order-64", "benchRaw", with(calls, "url", "wss://localhost:" + echo.port() + "/echo")),
                    new Run("batched-echo-order-64", "benchRawBatch", with(calls, "url", "wss://localhost:" + echo.port() + "/echo")),
                    new Run("codec-order", "benchCodec", Map.of("iterations", 200_000)))) {
                Path file = out.resolve(run.name() + ".cpuprofile");
                Map<String, Object> p = (Map<String, Object>) chromium.profile("bench", run.fn(), run.arg(), file, Duration.ofSeconds(120));
                report.append(String.format("%s (%s): %s samples; result %s%n", run.name(), file.getFileName(), p.get("samples"), p.get("value")));
                for (Map<String, Object> f : (List<Map<String, Object>>) p.get("top")) {
                    report.append(String.format("  %5.1f%%  %s%n", ((Number) f.get("percent")).doubleValue(), f.get("function")));
                }
                report.append('\n');
            }
            chromium.quit();
        }
        Files.writeString(out.resolve("profile.txt"), report);
        System.out.println(report);
    }

    private static double num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new java.util.ArrayList<>(values);
        java.util.Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static String round(List<Double> values) {
        return values.stream().map(v -> String.format("%.2f", v)).toList().toString();
    }

    private static Map<String, Object> with(Map<String, Object> m, String key, Object value) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>(m);
        copy.put(key, value);
        return copy;
    }
}
