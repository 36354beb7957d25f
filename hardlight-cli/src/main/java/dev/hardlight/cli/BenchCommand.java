package dev.hardlight.cli;

import dev.hardlight.RpcException;
import dev.hardlight.netty.ClientOptions;
import dev.hardlight.service.MethodDescriptor;
import dev.hardlight.service.RpcChannel;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hardlight bench URL METHOD ARGS}: a load generator with a latency histogram. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load-tests one method: calls/s, latency percentiles and a histogram.",
                "Calls one method as fast as the server answers, from several connections with several calls in "
                + "flight on each, for a number of calls or a duration; then prints calls/s, latency percentiles and a "
                + "latency histogram (or --json). Latencies are measured from sending to the answer, within 6%%. A "
                + "progress bar goes to standard error while it runs on a terminal."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL", description = "the server, e.g. wss://localhost:8443/hl")
    String url;

    @Parameters(index = "1", paramLabel = "METHOD", description = "the method's name")
    String method;

    @Parameters(index = "2", paramLabel = "ARGS", arity = "0..1", defaultValue = "[]",
            description = "the arguments, as for 'hardlight call' (default: ${DEFAULT-VALUE})")
    String args;

    @Option(names = {"-c", "--connections"}, paramLabel = "N", defaultValue = "1",
            description = "connections (default: ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--in-flight", paramLabel = "N", defaultValue = "16",
            description = "calls in flight on each connection (default: ${DEFAULT-VALUE})")
    int inFlight;

    @Option(names = {"-n", "--calls"}, paramLabel = "N",
            description = "total calls (default: 10000, or unlimited with --duration)")
    Long calls;

    @Option(names = {"-z", "--duration"}, paramLabel = "DURATION", description = "stop after this time (e.g. 10s)")
    String duration;

    @Option(names = "--json", description = "print the figures as one JSON object")
    boolean json;

    @Option(names = "--progress", negatable = true, description = "show a progress bar (default: when on a terminal)")
    Boolean progress;

    @Mixin
    Remote remote;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (connections < 1 || connections > 10_000) {
            throw new Remote.UsageException("--connections " + connections + " (expected: 1..10000)");
        }
        if (inFlight < 1 || inFlight > 65_535) {
            throw new Remote.UsageException("--in-flight " + inFlight + " (expected: 1..65535)");
        }
        Duration limit = duration == null ? null : Remote.duration("--duration", duration);
        long total = calls != null ? calls : limit != null ? Long.MAX_VALUE : 10_000;
        if (total < 1) {
            throw new Remote.UsageException("--calls " + total + " (expected: >= 1)");
        }
        Object argsJson = CallCommand.parseArgs(args);
        URI u = Remote.url(url);
        ClientOptions options = remote.options(u, err, inFlight);
        DynamicContract c = remote.contract(u, options);
        MethodDescriptor<Object> m = CallCommand.method(c, method);
        byte[] encoded = CallCommand.encode(c, m, argsJson);

        List<RpcChannel> channels = new ArrayList<>();
        Histogram h = new Histogram();
        Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        AtomicLong started = new AtomicLong();
        LongAdder finished = new LongAdder();
        try {
            for (int i = 0; i < connections; i++) {
                channels.add(remote.connect(u, options, c));
            }
            long t0 = System.nanoTime();
            long end = limit == null ? Long.MAX_VALUE : t0 + limit.toNanos();
            CountDownLatch loops = new CountDownLatch(connections * inFlight);
            for (RpcChannel ch : channels) {
                for (int i = 0; i < inFlight; i++) {
                    next(ch, m, encoded, total, end, started, finished, h, errors, loops);
                }
            }
            boolean bar = progress != null ? progress : System.console() != null;
            while (!loops.await(250, TimeUnit.MILLISECONDS)) {
                if (bar) {
                    progressBar(err, finished.sum(), total, System.nanoTime() - t0, limit);
                }
            }
            long elapsed = System.nanoTime() - t0;
            if (bar) {
                progressBar(err, finished.sum(), total, elapsed, limit);
                err.println();
                err.flush();
            }
            Map<String, Object> figures = figures(h, errors, elapsed);
            if (json) {
                out.println(Json.pretty(figures));
            } else {
                out.print(report(c.schema.service() + "." + m.name(), figures, h));
            }
            out.flush();
            return h.count() == 0 ? Exits.FAILED : Exits.OK;
        } finally {
            channels.forEach(RpcChannel::close);
        }
    }

    private void next(RpcChannel ch, MethodDescriptor<Object> m, byte[] encoded, long total, long end, AtomicLong started,
                      LongAdder finished, Histogram h, Map<String, LongAdder> errors, CountDownLatch loops) {
        if (System.nanoTime() >= end || started.incrementAndGet() > total || !ch.isOpen()) {
            loops.countDown();
            return;
        }
        long t = System.nanoTime();
        ch.callAsync(m, CallCommand.raw(encoded), remote.deadline()).whenComplete((r, e) -> {
            long latency = System.nanoTime() - t;
            if (e == null) {
                h.record(latency);
            } else {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                String key = cause instanceof RpcException re ? re.status().name()
                        : cause instanceof DynamicContract.DeclaredException de ? "APPLICATION_ERROR " + de.type
                        : cause.getClass().getSimpleName();
                errors.computeIfAbsent(key, k -> new LongAdder()).increment();
            }
            finished.increment();
            next(ch, m, encoded, total, end, started, finished, h, errors, loops);
        });
    }

    private static void progressBar(PrintWriter err, long done, long total, long elapsedNanos, Duration limit) {
        double fraction = limit != null ? Math.min(1, elapsedNanos / (double) limit.toNanos()) : done / (double) total;
        int width = 30;
        int filled = (int) Math.round(fraction * width);
        err.print(String.format(Locale.ROOT, "\r[%s%s] %3d%%  %,d calls  %,.0f calls/s ", "=".repeat(filled),
                " ".repeat(width - filled), (int) Math.round(fraction * 100), done, done / Math.max(1e-9, elapsedNanos / 1e9)));
        err.flush();
    }

    private Map<String, Object> figures(Histogram h, Map<String, LongAdder> errors, long elapsed) {
        Map<String, Object> f = new LinkedHashMap<>();
        long ok = h.count();
        long failed = errors.values().stream().mapToLong(LongAdder::sum).sum();
        f.put("connections", connections);
        f.put("inFlight", inFlight);
        f.put("calls", ok + failed);
        f.put("succeeded", ok);
        Map<String, Object> e = new LinkedHashMap<>();
        errors.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(en -> e.put(en.getKey(), en.getValue().sum()));
        f.put("errors", e);
        f.put("seconds", round(elapsed / 1e9, 3));
        f.put("callsPerSecond", round((ok + failed) / (elapsed / 1e9), 1));
        Map<String, Object> l = new LinkedHashMap<>();
        if (ok > 0) {
            l.put("min", ms(h.min()));
            l.put("mean", ms(h.mean()));
            l.put("p50", ms(h.percentile(50)));
            l.put("p90", ms(h.percentile(90)));
            l.put("p99", ms(h.percentile(99)));
            l.put("p99.9", ms(h.percentile(99.9)));
            l.put("max", ms(h.max()));
        }
        f.put("latencyMs", l);
        List<Object> bars = new ArrayList<>();
        for (long[] b : h.bars(10)) {
            Map<String, Object> bj = new LinkedHashMap<>();
            bj.put("upToMs", ms(b[0]));
            bj.put("count", b[1]);
            bars.add(bj);
        }
        f.put("histogram", bars);
        return f;
    }

    private static BigDecimal ms(double nanos) {
        return round(nanos / 1e6, 3);
    }

    private static BigDecimal round(double v, int digits) {
        return BigDecimal.valueOf(v).setScale(digits, RoundingMode.HALF_UP);
    }

    private String report(String name, Map<String, Object> f, Histogram h) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%s: %,d calls on %d connection%s, %d in flight each, in %s s%n", name,
                (Long) f.get("calls"), connections, connections == 1 ? "" : "s", inFlight, f.get("seconds")));
        b.append(String.format(Locale.ROOT, "  succeeded %,d, calls/s %s%n", (Long) f.get("succeeded"), f.get("callsPerSecond")));
        @SuppressWarnings("unchecked")
        Map<String, Object> errs = (Map<String, Object>) f.get("errors");
        errs.forEach((k, v) -> b.append("  failed ").append(k).append(": ").append(v).append('\n'));
        @SuppressWarnings("unchecked")
        Map<String, Object> l = (Map<String, Object>) f.get("latencyMs");
        if (!l.isEmpty()) {
            b.append("\nLatency (ms):\n");
            l.forEach((k, v) -> b.append(String.format(Locale.ROOT, "  %-5s %10s%n", k, v)));
            b.append("\nHistogram (ms):\n");
            List<long[]> bars = h.bars(10);
            long most = bars.stream().mapToLong(x -> x[1]).max().orElse(1);
            for (long[] bar : bars) {
                b.append(String.format(Locale.ROOT, "  %10s [%8d] |%s%n", ms(bar[0]), bar[1],
                        "#".repeat((int) Math.round(40.0 * bar[1] / Math.max(1, most)))));
            }
        }
        return b.toString();
    }

    /**
     * Latencies in log-linear buckets: 16 per power of two, so a value is known within 1/16 (6%).
     * Lock-free; values from 1 ns to about 18 minutes (larger ones count in the last bucket).
     */
    static final class Histogram {
        private static final int BUCKETS = 40 * 16;
        private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
        private final AtomicLong min = new AtomicLong(Long.MAX_VALUE);
        private final AtomicLong max = new AtomicLong();
        private final LongAdder sum = new LongAdder();
        private final LongAdder count = new LongAdder();

        void record(long nanos) {
            long v = Math.max(1, nanos);
            counts.incrementAndGet(Math.min(BUCKETS - 1, index(v)));
            min.accumulateAndGet(v, Math::min);
            max.accumulateAndGet(v, Math::max);
            sum.add(v);
            count.increment();
        }

        static int index(long v) {
            if (v < 16) {
                return (int) v;
            }
            int e = 63 - Long.numberOfLeadingZeros(v);
            return (e - 3) * 16 + (int) ((v >> (e - 4)) & 15);
        }

        /** The largest value in bucket {@code i}. */
        static long upper(int i) {
            if (i < 16) {
                return i;
            }
            int e = i / 16 + 3;
            long lower = (16L + i % 16) << (e - 4);
            return lower + (1L << (e - 4)) - 1;
        }

        long count() {
            return count.sum();
        }

        long min() {
            return count() == 0 ? 0 : min.get();
        }

        long max() {
            return max.get();
        }

        double mean() {
            return count() == 0 ? 0 : sum.sum() / (double) count();
        }

        /** The value at or below which {@code p} percent of the values are (a bucket's upper end, at most the max). */
        long percentile(double p) {
            long n = count();
            long rank = Math.max(1, (long) Math.ceil(n * p / 100));
            long seen = 0;
            for (int i = 0; i < BUCKETS; i++) {
                seen += counts.get(i);
                if (seen >= rank) {
                    return Math.min(upper(i), max());
                }
            }
            return max();
        }

        /** {@code rows} bars between min and max: each {upper end, count}. */
        List<long[]> bars(int rows) {
            List<long[]> bars = new ArrayList<>();
            if (count() == 0) {
                return bars;
            }
            long lo = min();
            long hi = max();
            double step = Math.max(1, (hi - lo) / (double) rows);
            long[] c = new long[rows];
            for (int i = 0; i < BUCKETS; i++) {
                long n = counts.get(i);
                if (n > 0) {
                    long v = Math.min(Math.max(upper(i), lo), hi);
                    c[(int) Math.min(rows - 1, (v - lo) / step)] += n;
                }
            }
            for (int r = 0; r < rows; r++) {
                bars.add(new long[] {r == rows - 1 ? hi : (long) (lo + step * (r + 1)), c[r]});
            }
            return bars;
        }
    }
}
