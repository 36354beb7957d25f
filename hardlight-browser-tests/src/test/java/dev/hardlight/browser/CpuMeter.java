package dev.hardlight.browser;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time used by this JVM and by Chromium's processes, by kind (renderer, network service, browser,
 * other), for the benchmark to say where a call's CPU goes: a round trip's time the page spends idle is
 * spent somewhere, and on a two-core machine the sum of these per call bounds the calls/s. Linux only
 * ({@code /proc}); elsewhere Chromium's figures are absent.
 */
final class CpuMeter {
    /** Linux's USER_HZ: /proc/PID/stat counts CPU time in these ticks. */
    private static final double TICK_NANOS = 1e9 / 100;

    private final ProcessHandle chromium;

    /** @param chromium the driver process whose descendants are the browser's processes */
    CpuMeter(ProcessHandle chromium) {
        this.chromium = chromium;
    }

    /** CPU nanoseconds so far by kind: {@code jvm}, {@code renderer}, {@code network}, {@code browser}, {@code other} and {@code driver} (the Node process driving the browsers). */
    Map<String, Double> snapshot() {
        Map<String, Double> m = new LinkedHashMap<>();
        var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        m.put("jvm", (double) os.getProcessCpuTime());
        for (String kind : new String[] {"renderer", "network", "browser", "other"}) {
            m.put(kind, 0.0);
        }
        m.put("driver", chromium.info().totalCpuDuration().map(d -> (double) d.toNanos()).orElse(0.0));
        chromium.descendants().forEach(p -> {
            try {
                String cmd = Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline")).replace('\0', ' ');
                if (!cmd.contains("chromium")) {
                    return;
                }
                String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                double nanos = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS; // utime, stime
                String kind = cmd.contains("--type=renderer") ? "renderer"
                        : cmd.contains("NetworkService") ? "network"
                        : !cmd.contains("--type=") ? "browser" : "other";
                m.merge(kind, nanos, Double::sum);
            } catch (IOException | RuntimeException e) {
                // the process ended meanwhile, or this is not Linux
            }
        });
        return m;
    }

    /** A measurement that may throw. */
    interface Run {
        Map<String, Object> get() throws Exception;
    }

    /**
     * Runs one measurement (warm-up and window) and adds {@code cpu}: microseconds of CPU per call by
     * kind, over the whole run, its calls taken as {@code rate} times warm-up plus window.
     */
    Map<String, Object> measure(BrowserBenchmark.Settings s, Run run) throws Exception {
        Map<String, Double> before = snapshot();
        Map<String, Object> r = new LinkedHashMap<>(run.get());
        Map<String, Double> after = snapshot();
        double calls = ((Number) r.get("rate")).doubleValue() * (s.warmup() + s.seconds());
        r.put("cpu", perCall(before, after, calls));
        return r;
    }

    /** Microseconds of CPU per call by kind between two snapshots. */
    static Map<String, Object> perCall(Map<String, Double> before, Map<String, Double> after, double calls) {
        Map<String, Object> m = new LinkedHashMap<>();
        double total = 0;
        for (String kind : before.keySet()) {
            double us = (after.get(kind) - before.get(kind)) / 1e3 / calls;
            m.put(kind, us);
            total += us;
        }
        m.put("total", total);
        return m;
    }
}
