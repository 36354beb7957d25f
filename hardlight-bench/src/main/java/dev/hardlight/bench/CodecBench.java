package dev.hardlight.bench;

import dev.hardlight.bench.codec.CodecBenchmark;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link CodecBenchmark} with JMH and turns its scores into {@link Scalar}s: ns/op, allocated
 * bytes/op (JMH's GC profiler, full runs only) and encoded size in bytes.
 */
final class CodecBench {
    private CodecBench() {}

    /**
     * @param forks JMH forks (0 runs in this JVM: quick and smoke runs)
     */
    static void run(int forks, int iterations, int iterationMillis, List<Scalar> out) throws Exception {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(CodecBenchmark.class.getName())
                // The transport's buffers; -p buffer=unpooled-heap by hand for a heap buffer.
                .param("buffer", "pooled-direct")
                .forks(forks)
                .warmupIterations(iterations)
                .warmupTime(TimeValue.milliseconds(iterationMillis))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.milliseconds(iterationMillis))
                // Replaces the flags a fork would inherit (the harness's -Xms2g -Xmx6g).
                .jvmArgs("--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g")
                .verbosity(VerboseMode.SILENT)
                .shouldFailOnError(true);
        if (forks > 0) {
            options.addProfiler(GCProfiler.class);
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        for (RunResult r : results) {
            String method = r.getParams().getBenchmark();
            method = method.substring(method.lastIndexOf('.') + 1);
            String system = method.startsWith("hardlight") ? "hardlight" : "protobuf";
            String name = "codec-" + method.substring(system.length()); // codec-EncodeSmall, ...
            out.add(new Scalar(name, system, false, r.getPrimaryResult().getScore(), "ns/op"));
            Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            if (alloc != null) {
                out.add(new Scalar(name + "-alloc", system, false, alloc.getScore(), "bytes/op"));
            }
        }
        int[] sizes = CodecBenchmark.sizes();
        out.add(new Scalar("codec-size-small", "hardlight", false, sizes[0], "bytes"));
        out.add(new Scalar("codec-size-small", "protobuf", false, sizes[1], "bytes"));
        out.add(new Scalar("codec-size-nested", "hardlight", false, sizes[2], "bytes"));
        out.add(new Scalar("codec-size-nested", "protobuf", false, sizes[3], "bytes"));
    }
}
