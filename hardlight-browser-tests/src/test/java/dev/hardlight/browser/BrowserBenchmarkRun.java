package dev.hardlight.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import io.netty.util.ResourceLeakDetector;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The full browser benchmark, run on demand only (its name is not a test's, so {@code verify} leaves it):
 * {@code ./mvnw -pl hardlight-browser-tests -am verify -Dtest=BrowserBenchmarkRun -Dsurefire.failIfNoSpecifiedTests=false}.
 * Prints the table and writes {@code target/bench/browser.json} and {@code browser.txt}. System
 * properties {@code hl.bench.warmup}, {@code hl.bench.seconds} and {@code hl.bench.rounds} (defaults 1, 3 and 5)
 * change the windows; {@code -Dhl.bench.playwright=true} runs the page in Playwright's tab instead of the
 * bare one ({@code js/bare.mjs}), to see what Playwright's instrumentation costs.
 */
class BrowserBenchmarkRun {
    @Test
    @Timeout(1800)
    void run() throws Exception {
        // The test JVMs track every buffer with a stack trace (paranoid leak detection): right for
        // tests, ruinous for a measurement (it tripled the cost of a call carrying a nested record).
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        try {
            measure();
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
    }

    private static void measure() throws Exception {
        var s = new BrowserBenchmark.Settings(Double.parseDouble(System.getProperty("hl.bench.warmup", "1")),
                Double.parseDouble(System.getProperty("hl.bench.seconds", "3")), 64, 200_000,
                Integer.parseInt(System.getProperty("hl.bench.rounds", "5")));
        Map<String, Object> results = BrowserBenchmark.run(s, Files.createTempDirectory("hl-bench-certs"));
        BrowserBenchmark.write(results, s, Path.of("target/bench/browser.json"));
        System.out.println(BrowserBenchmark.table(results));
    }
}
