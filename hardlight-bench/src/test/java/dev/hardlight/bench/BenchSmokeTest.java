package dev.hardlight.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every system and every section of the benchmark very briefly and checks that each produced
 * its figures and the report files. Never asserts a timing: performance is what the full run
 * (./hardlight bench) is for.
 */
class BenchSmokeTest {
    @Test
    @Timeout(120)
    void everySystemRunsAndTheReportIsWritten(@TempDir Path dir) throws Exception {
        Settings s = Settings.quick()
                .withTimes(Duration.ofMillis(100), Duration.ofMillis(200))
                .withFanout(new int[] {10, 20})
                .withOutDir(dir);
        s = new Settings(s.sections(), false, s.warmup(), s.measure(), new int[][] {{1, 16}, {2, 4}}, s.fanoutSizes(),
                1, 2, "512m", 0, 1, 50, dir, "smoke", Settings.SYSTEMS);
        Bench bench = new Bench(s, System.out);

        bench.run();

        assertThat(bench.errors()).isEmpty();
        Set<String> measured = bench.figures().stream()
                .map(f -> f.label() + "/" + f.scenario())
                .collect(Collectors.toSet());
        assertThat(measured).contains(
                "hardlight direct/sequential", "hardlight direct/1x16", "hardlight direct/2x4",
                "hardlight default/sequential", "grpc direct/1x16", "grpc default/2x4",
                "netty-ws raw/1x16", "tcp busy-spin/sequential", "tcp blocking/sequential",
                "grpc busy-poll/sequential", "netty-ws busy-poll/1x256",
                "hardlight/fanout-10", "hardlight/fanout-20", "grpc/fanout-20", "netty-ws/fanout-20");
        assertThat(bench.figures()).allSatisfy(f -> assertThat(f.count()).isPositive());
        assertThat(bench.scalars()).extracting(Scalar::name)
                .contains("idle-heap-per-connection", "codec-EncodeSmall", "codec-DecodeNested", "codec-size-nested");

        String json = Files.readString(dir.resolve("results.json"));
        assertThat(json).startsWith("{").contains("\"figures\"", "\"scalars\"", "\"targets\"", "\"grpc\"", "\"netty-ws\"");
        String svg = Files.readString(dir.resolve("latency.svg"));
        assertThat(svg).startsWith("<svg").endsWith("</svg>\n").contains("hardlight direct", "grpc direct", "netty-ws");
    }
}
