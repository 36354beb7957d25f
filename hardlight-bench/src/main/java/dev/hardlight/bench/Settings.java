package dev.hardlight.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;

/**
 * What a run measures and for how long. {@link #full()} is the documented run; {@link #quick()}
 * finishes in under a minute (fewer scenarios, TLS only, short runs: a smoke test, not a result).
 *
 * @param sections which of "unary", "busy-poll", "fanout", "codec" to run
 * @param plaintext whether the unary scenarios also run without TLS
 * @param scenarios closed-loop scenarios as {connections, outstanding}
 * @param fanoutSizes subscribed connections per fan-out step, ascending; the last is also the idle
 *     connection count of the heap measurement
 * @param jmhForks 0 runs JMH in this JVM
 * @param systems which of "hardlight", "grpc", "netty-ws", "tcp" to run (for profiling one)
 */
record Settings(Set<String> sections, boolean plaintext, Duration warmup, Duration measure, int[][] scenarios,
                int[] fanoutSizes, int fanoutWarmupRounds, int fanoutRounds, String childHeap,
                int jmhForks, int jmhIterations, int jmhIterationMillis, Path outDir, String name, Set<String> systems) {
    static final Set<String> ALL = Set.of("unary", "busy-poll", "fanout", "codec");
    static final Set<String> SYSTEMS = Set.of("hardlight", "grpc", "netty-ws", "tcp");
    static final Path DEFAULT_OUT = Path.of("hardlight-bench", "target", "bench");

    static Settings full() {
        return new Settings(ALL, true, Duration.ofSeconds(3), Duration.ofSeconds(5),
                new int[][] {{1, 64}, {1, 256}, {100, 32}}, new int[] {1_000, 10_000}, 5, 20, "4g",
                1, 5, 1_000, DEFAULT_OUT, "full", SYSTEMS);
    }

    static Settings quick() {
        return new Settings(ALL, false, Duration.ofMillis(400), Duration.ofMillis(700),
                new int[][] {{1, 256}}, new int[] {200}, 2, 4, "1g",
                0, 1, 200, DEFAULT_OUT, "quick", SYSTEMS);
    }

    Settings withSystems(Set<String> only) {
        return new Settings(sections, plaintext, warmup, measure, scenarios, fanoutSizes, fanoutWarmupRounds, fanoutRounds,
                childHeap, jmhForks, jmhIterations, jmhIterationMillis, outDir, name, only);
    }

    Settings withLoops(int[][] loops) {
        return new Settings(sections, plaintext, warmup, measure, loops, fanoutSizes, fanoutWarmupRounds, fanoutRounds,
                childHeap, jmhForks, jmhIterations, jmhIterationMillis, outDir, name, systems);
    }

    Settings withSections(Set<String> s) {
        return new Settings(s, plaintext, warmup, measure, scenarios, fanoutSizes, fanoutWarmupRounds, fanoutRounds,
                childHeap, jmhForks, jmhIterations, jmhIterationMillis, outDir, name, systems);
    }

    Settings withTimes(Duration w, Duration m) {
        return new Settings(sections, plaintext, w, m, scenarios, fanoutSizes, fanoutWarmupRounds, fanoutRounds,
                childHeap, jmhForks, jmhIterations, jmhIterationMillis, outDir, name, systems);
    }

    Settings withFanout(int[] sizes) {
        return new Settings(sections, plaintext, warmup, measure, scenarios, sizes, fanoutWarmupRounds, fanoutRounds,
                childHeap, jmhForks, jmhIterations, jmhIterationMillis, outDir, name, systems);
    }

    Settings withOutDir(Path dir) {
        return new Settings(sections, plaintext, warmup, measure, scenarios, fanoutSizes, fanoutWarmupRounds, fanoutRounds,
                childHeap, jmhForks, jmhIterations, jmhIterationMillis, dir, name, systems);
    }

    Settings withPlaintext(boolean p) {
        return new Settings(sections, p, warmup, measure, scenarios, fanoutSizes, fanoutWarmupRounds, fanoutRounds,
                childHeap, jmhForks, jmhIterations, jmhIterationMillis, outDir, name, systems);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (int[] sc : scenarios) {
            s.append(s.isEmpty() ? "" : ", ").append(sc[0]).append('x').append(sc[1]);
        }
        return name + " run: sections " + sections + (systems.equals(SYSTEMS) ? "" : ", systems " + systems) + ", TLS" + (plaintext ? " and plaintext" : " only")
                + ", warm-up " + warmup.toMillis() + " ms, measure " + measure.toMillis() + " ms per scenario"
                + ", closed loops " + s + ", fan-out to " + Arrays.toString(fanoutSizes)
                + " (" + fanoutWarmupRounds + " warm-up + " + fanoutRounds + " rounds)"
                + ", JMH forks " + jmhForks + " x " + jmhIterations + " iterations of " + jmhIterationMillis + " ms";
    }
}
