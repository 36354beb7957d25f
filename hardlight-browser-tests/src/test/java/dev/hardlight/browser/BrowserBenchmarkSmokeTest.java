package dev.hardlight.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The browser benchmark for a fraction of a second per figure: every figure is produced (never a timing asserted). */
@Timeout(300)
class BrowserBenchmarkSmokeTest {
    @TempDir
    Path certs;

    @Test
    @SuppressWarnings("unchecked")
    void everyFigureIsProduced() throws Exception {
        var s = new BrowserBenchmark.Settings(0.1, 0.2, 64, 2000, 2);
        Map<String, Object> results = BrowserBenchmark.run(s, certs);
        assertThat(results).hasSize(19); // 4 figures of 4 clients, the batched echo at 64 in flight twice, the codec
        for (var e : results.entrySet()) {
            Map<String, Object> figures = (Map<String, Object>) e.getValue();
            if (e.getKey().contains("codec")) {
                assertThat(((Number) figures.get("hardlightEncode")).doubleValue()).as(e.getKey()).isPositive();
                assertThat(((Number) figures.get("hardlightBytes")).doubleValue()).isLessThan(((Number) figures.get("jsonBytes")).doubleValue());
            } else {
                assertThat(((Number) figures.get("calls")).doubleValue()).as(e.getKey()).isPositive();
                assertThat((List<?>) figures.get("roundRates")).as(e.getKey()).hasSize(2);
            }
        }
        // the batched echo sends the 64 calls' bytes as one message: the order's is the larger
        Map<String, Object> batchIncrement = (Map<String, Object>) results.get("chromium batched echo increment 64 in flight");
        Map<String, Object> batchOrder = (Map<String, Object>) results.get("chromium batched echo order 64 in flight");
        assertThat(((Number) batchIncrement.get("callsPerMessage")).intValue()).isEqualTo(64);
        assertThat(((Number) batchOrder.get("bytes")).doubleValue()).isGreaterThan(64 * 139)
                .isGreaterThan(((Number) batchIncrement.get("bytes")).doubleValue());
        assertThat(((Number) batchIncrement.get("calls")).doubleValue() % 64).isZero();
        // CPU per call by process: the JVM's for every run, Chromium's processes' for the page's runs
        double renderer = 0;
        for (var e : results.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> figures && figures.get("cpu") instanceof Map<?, ?> cpu) {
                assertThat(new HashSet<Object>(cpu.keySet())).as(e.getKey()).contains("jvm", "renderer", "network", "browser", "driver", "total");
                if (e.getKey().startsWith("chromium ")) {
                    renderer += ((Number) cpu.get("renderer")).doubleValue();
                } else {
                    assertThat(((Number) cpu.get("jvm")).doubleValue()).as(e.getKey()).isPositive();
                }
            }
        }
        assertThat(renderer).as("the pages' renderer CPU, found through /proc").isPositive();
        Path out = certs.resolve("bench/browser.json");
        BrowserBenchmark.write(results, s, out);
        assertThat(Files.readString(out)).contains("chromium json increment sequential").contains("chromium raw echo order 64 in flight")
                .contains("chromium batched echo increment 64 in flight");
        assertThat(BrowserBenchmark.table(results)).contains("increment 64 in flight (calls/s)").contains("batch/java").contains("HL/batch")
                .contains("CPU per call").contains("bare DevTools pipe");
    }
}
