package dev.hardlight.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Drives calls against an {@link RpcSystem}: sequential blocking round trips from one user thread,
 * or closed loops (each completed call starts the next one on the completion thread, keeping a fixed
 * number outstanding per connection). Every run warms up first (not recorded), then records for the
 * measuring time. Latency is from just before a call is started to its completion callback (or the
 * return of the blocking call), in nanoseconds, recorded in an HdrHistogram (3 significant digits).
 */
final class LoadDriver {
    private static final long HIGHEST = TimeUnit.SECONDS.toNanos(30);

    private final Duration warmup;
    private final Duration measure;
    /** How long a closed-loop measurement may stretch past its window while no call has completed. */
    private static final long MAX_STRETCH_NANOS = TimeUnit.SECONDS.toNanos(30);

    LoadDriver(Duration warmup, Duration measure) {
        this.warmup = warmup;
        this.measure = measure;
    }

    /** One connection; a user thread makes a blocking call, waits for its answer, makes the next. */
    Result sequential(RpcSystem system) throws Exception {
        try (RpcSystem.Conn conn = system.connect()) {
            Histogram h = new Histogram(HIGHEST, 3);
            long warmEnd = System.nanoTime() + warmup.toNanos();
            int i = 0;
            while (System.nanoTime() < warmEnd) {
                check(conn.callBlocking(i), i++);
            }
            long cpu0 = cpuNanos();
            long start = System.nanoTime();
            long end = start + measure.toNanos();
            long now = start;
            long n = 0;
            while (now < end) {
                long t0 = now;
                check(conn.callBlocking(i), i++);
                now = System.nanoTime();
                h.recordValue(now - t0);
                n++;
            }
            return new Result(n * 1e9 / (now - start), h, (cpuNanos() - cpu0) / 1e3 / n);
        }
    }

    private static void check(int answer, int x) {
        if (answer != x + 1) {
            throw new IllegalStateException("answer " + answer + " to " + x + " (expected: " + (x + 1) + ")");
        }
    }

    /**
     * {@code connections} connections with {@code outstanding} calls in flight on each: every
     * completion records its latency and starts the next call at once, on the completion thread.
     */
    Result closedLoop(RpcSystem system, int connections, int outstanding) throws Exception {
        List<RpcSystem.Conn> conns = new ArrayList<>();
        try {
            for (int c = 0; c < connections; c++) {
                conns.add(system.connect());
            }
            Loop loop = new Loop(connections * outstanding);
            for (RpcSystem.Conn conn : conns) {
                for (int k = 0; k < outstanding; k++) {
                    loop.issue(conn, k);
                }
            }
            Thread.sleep(warmup.toMillis());
            long cpu0 = cpuNanos();
            loop.recording = true;
            long start = System.nanoTime();
            Thread.sleep(measure.toMillis());
            // A figure needs at least one call: on a starved machine (short --quick windows, spinning
            // loops on every core) none may have completed yet, so the window stretches, within bounds.
            while (loop.completed.sum() == 0) {
                if (System.nanoTime() - start > MAX_STRETCH_NANOS) {
                    throw new IllegalStateException("no call completed within " + MAX_STRETCH_NANOS / 1_000_000_000L
                            + " s of measuring");
                }
                Thread.sleep(5);
            }
            loop.recording = false;
            long end = System.nanoTime();
            long cpu = cpuNanos() - cpu0;
            loop.stopping = true;
            if (!loop.drained.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException(loop.drained.getCount() + " calls still in flight 20 s after the run");
            }
            if (loop.failures.sum() > 0) {
                throw new IllegalStateException(loop.failures.sum() + " calls failed");
            }
            Histogram h = loop.histogram.copy();
            long calls = loop.completed.sum();
            return new Result(calls * 1e9 / (end - start), h, cpu / 1e3 / calls);
        } finally {
            for (RpcSystem.Conn conn : conns) {
                conn.close();
            }
        }
    }

    /** The state of one closed-loop run, shared by every completion thread. */
    private static final class Loop {
        final ConcurrentHistogram histogram = new ConcurrentHistogram(HIGHEST, 3);
        final LongAdder completed = new LongAdder();
        final LongAdder failures = new LongAdder();
        final CountDownLatch drained;
        volatile boolean recording;
        volatile boolean stopping;

        Loop(int calls) {
            drained = new CountDownLatch(calls);
        }

        void issue(RpcSystem.Conn conn, int x) {
            long t0 = System.nanoTime();
            conn.callAsync(x, answer -> {
                long t = System.nanoTime();
                if (answer != x + 1) {
                    failures.increment();
                }
                if (recording) {
                    histogram.recordValue(t - t0);
                    completed.increment();
                }
                if (stopping) {
                    drained.countDown();
                } else {
                    issue(conn, x);
                }
            });
        }
    }

    /** CPU time used by this process so far, all threads. */
    static long cpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Calls per second, the latency histogram (nanoseconds) and the process's CPU microseconds per call. */
    record Result(double rate, Histogram histogram, double cpuUs) {
        Figure figure(String system, String mode, boolean tls, String scenario) {
            return new Figure(system, mode, tls, scenario, rate,
                    histogram.getValueAtPercentile(50) / 1e3,
                    histogram.getValueAtPercentile(99) / 1e3,
                    histogram.getValueAtPercentile(99.9) / 1e3,
                    histogram.getTotalCount(), cpuUs);
        }
    }
}
