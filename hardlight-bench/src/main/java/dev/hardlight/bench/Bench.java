package dev.hardlight.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code ./hardlight bench [--quick] [--only=unary,busy-poll,fanout,codec] [--systems=hardlight,grpc,netty-ws,tcp]
 * [--plaintext=false] [--warmup=SECONDS] [--measure=SECONDS] [--loops=1x64,1x256,100x32] [--fanout=1000,10000]
 * [--out=DIR]}: runs every system side by
 * side in this JVM (the fan-out and idle-connection servers in a child JVM each), then prints the ratio
 * table and writes {@code results.json} and {@code latency.svg} to the output directory
 * ({@code hardlight-bench/target/bench} by default). See {@code docs/benchmarks.md}.
 */
public final class Bench {
    private final Settings settings;
    private final PrintStream log;
    private final List<Figure> figures = new ArrayList<>();
    private final List<Scalar> scalars = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private BenchTls tls;

    Bench(Settings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
    }

    public static void main(String[] args) throws Exception {
        Settings s = parse(args);
        Bench bench = new Bench(s, System.out);
        bench.run();
        System.exit(bench.errors.isEmpty() ? 0 : 1);
    }

    static Settings parse(String[] args) {
        Settings s = Arrays.asList(args).contains("--quick") ? Settings.quick() : Settings.full();
        for (String a : args) {
            String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : "";
            if (a.equals("--quick")) {
                continue;
            } else if (a.startsWith("--only=")) {
                Set<String> sections = new LinkedHashSet<>(Arrays.asList(value.split(",")));
                if (!Settings.ALL.containsAll(sections)) {
                    throw new IllegalArgumentException("--only: " + value + " (expected: some of " + Settings.ALL + ")");
                }
                s = s.withSections(sections);
            } else if (a.startsWith("--systems=")) {
                Set<String> systems = new LinkedHashSet<>(Arrays.asList(value.split(",")));
                if (!Settings.SYSTEMS.containsAll(systems)) {
                    throw new IllegalArgumentException("--systems: " + value + " (expected: some of " + Settings.SYSTEMS + ")");
                }
                s = s.withSystems(systems);
            } else if (a.startsWith("--loops=")) {
                s = s.withLoops(Arrays.stream(value.split(",")).map(l -> l.split("x"))
                        .map(l -> new int[] {Integer.parseInt(l[0]), Integer.parseInt(l[1])}).toArray(int[][]::new));
            } else if (a.startsWith("--plaintext=")) {
                s = s.withPlaintext(Boolean.parseBoolean(value));
            } else if (a.startsWith("--warmup=")) {
                s = s.withTimes(seconds(value), s.measure());
            } else if (a.startsWith("--measure=")) {
                s = s.withTimes(s.warmup(), seconds(value));
            } else if (a.startsWith("--fanout=")) {
                s = s.withFanout(Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).sorted().toArray());
            } else if (a.startsWith("--out=")) {
                s = s.withOutDir(Path.of(value));
            } else {
                throw new IllegalArgumentException("unknown option: " + a + " (see docs/benchmarks.md)");
            }
        }
        return s;
    }

    private static Duration seconds(String v) {
        return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
    }

    List<Figure> figures() {
        return figures;
    }

    List<Scalar> scalars() {
        return scalars;
    }

    List<String> errors() {
        return errors;
    }

    void run() throws Exception {
        long start = System.nanoTime();
        log.println("HardLight benchmark, " + settings);
        log.println(Machine.describe());
        tls = BenchTls.create(settings.outDir());
        LoadDriver driver = new LoadDriver(settings.warmup(), settings.measure());
        if (settings.sections().contains("unary") && settings.warmup().toMillis() >= 2_000) {
            // Long runs: every system once, unrecorded, so that the JIT has compiled the code systems
            // share (Netty, TLS) before any is measured, and the first measured is not at a disadvantage.
            log.println("JIT warm-up pass: every system, 1 connection x 64 outstanding, " + settings.warmup().toMillis() + " ms each");
            LoadDriver pass = new LoadDriver(settings.warmup(), Duration.ofMillis(200));
            unaryWarmup("hardlight", pass, () -> new HardLightSystem(Mode.DIRECT, tls));
            unaryWarmup("hardlight", pass, () -> new HardLightSystem(Mode.DEFAULT, tls));
            unaryWarmup("grpc", pass, () -> new GrpcSystem(Mode.DIRECT, tls));
            unaryWarmup("grpc", pass, () -> new GrpcSystem(Mode.DEFAULT, tls));
            unaryWarmup("netty-ws", pass, () -> new NettyWsSystem(false, tls));
        }
        if (settings.sections().contains("unary")) {
            for (boolean secure : settings.plaintext() ? new boolean[] {true, false} : new boolean[] {true}) {
                BenchTls t = secure ? tls : null;
                unary("hardlight", Mode.DIRECT, t, driver, () -> new HardLightSystem(Mode.DIRECT, t));
                unary("hardlight", Mode.DEFAULT, t, driver, () -> new HardLightSystem(Mode.DEFAULT, t));
                unary("grpc", Mode.DIRECT, t, driver, () -> new GrpcSystem(Mode.DIRECT, t));
                unary("grpc", Mode.DEFAULT, t, driver, () -> new GrpcSystem(Mode.DEFAULT, t));
                unary("netty-ws", Mode.RAW, t, driver, () -> new NettyWsSystem(false, t));
            }
            floor("busy-spin", driver, true);
            floor("blocking", driver, false);
        }
        if (settings.sections().contains("busy-poll")) {
            for (boolean secure : settings.plaintext() ? new boolean[] {true, false} : new boolean[] {true}) {
                BenchTls t = secure ? tls : null;
                busyPoll("hardlight", t, driver, () -> new HardLightSystem(Mode.BUSY_POLL, t));
                busyPoll("grpc", t, driver, () -> new GrpcSystem(Mode.BUSY_POLL, t));
                busyPoll("netty-ws", t, driver, () -> new NettyWsSystem(true, t));
            }
        }
        if (settings.sections().contains("fanout")) {
            ServerScenarios servers = new ServerScenarios(settings.fanoutSizes(), settings.fanoutWarmupRounds(),
                    settings.fanoutRounds(), settings.childHeap());
            for (String system : List.of("hardlight", "grpc", "netty-ws")) {
                if (!settings.systems().contains(system)) {
                    continue;
                }
                step(system + " fan-out and idle connections", () -> {
                    servers.run(system, tls, figures, scalars);
                    for (Figure f : figures) {
                        if (f.system().equals(system) && f.scenario().startsWith("fanout")) {
                            double emit = scalars.stream().filter(x -> x.system().equals(system)
                                    && x.name().equals(f.scenario() + "-emit-call")).mapToDouble(Scalar::value).findFirst().orElse(Double.NaN);
                            log.printf("  %-10s %-14s %,12.0f deliveries/s  p50 %,9.0f us  p99 %,9.0f us  cpu %,5.1f us/delivery  emit call %,9.0f us%n",
                                    system, f.scenario(), f.rate(), f.p50(), f.p99(), f.cpuUs(), emit);
                        }
                    }
                });
            }
        }
        if (settings.sections().contains("codec")) {
            step("codec (JMH)", () -> CodecBench.run(settings.jmhForks(), settings.jmhIterations(),
                    settings.jmhIterationMillis(), scalars));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Report report = new Report(settings, figures, scalars, errors, seconds);
        log.println();
        report.printTable(log);
        Path json = report.writeJson(settings.outDir().resolve("results.json"));
        Path svg = report.writeSvg(settings.outDir().resolve("latency.svg"));
        log.printf("%nWrote %s and %s in %.0f s.%n", json, svg, seconds);
        if (!errors.isEmpty()) {
            log.println("FAILED: " + errors);
        }
    }

    private interface SystemFactory {
        RpcSystem create() throws Exception;
    }

    private interface Step {
        void run() throws Exception;
    }

    /** Runs one step; a failure is reported and recorded, and the run goes on with the next. */
    private void step(String what, Step step) {
        try {
            step.run();
        } catch (Exception | AssertionError e) {
            errors.add(what + ": " + e);
            log.println(what + ": FAILED " + e);
            e.printStackTrace(log);
        }
    }

    private void unary(String system, Mode mode, BenchTls t, LoadDriver driver, SystemFactory factory) {
        if (!settings.systems().contains(system)) {
            return;
        }
        String label = system + " " + mode.label + (t != null ? " TLS" : " plaintext");
        step(label, () -> {
            System.gc();
            try (RpcSystem s = factory.create()) {
                record(driver.sequential(s).figure(system, mode.label, t != null, "sequential"));
                for (int[] sc : settings.scenarios()) {
                    record(driver.closedLoop(s, sc[0], sc[1]).figure(system, mode.label, t != null, sc[0] + "x" + sc[1]));
                }
            }
        });
    }

    private void unaryWarmup(String system, LoadDriver pass, SystemFactory factory) {
        if (!settings.systems().contains(system)) {
            return;
        }
        step(system + " warm-up", () -> {
            try (RpcSystem s = factory.create()) {
                pass.closedLoop(s, 1, 64);
            }
        });
    }

    private void floor(String mode, LoadDriver driver, boolean spin) {
        if (!settings.systems().contains("tcp")) {
            return;
        }
        step("tcp " + mode, () -> {
            try (RpcSystem s = new TcpPingPong(spin)) {
                record(driver.sequential(s).figure("tcp", mode, false, "sequential"));
            }
        });
    }

    /**
     * Busy-polling event loops on both sides, handlers on the I/O thread; the sequential round trip
     * is a closed loop of one call driven from the completion callback (no user thread to wake).
     */
    private void busyPoll(String system, BenchTls t, LoadDriver driver, SystemFactory factory) {
        if (!settings.systems().contains(system)) {
            return;
        }
        String mode = Mode.BUSY_POLL.label;
        step(system + " busy-poll" + (t != null ? " TLS" : " plaintext"), () -> {
            System.gc();
            try (RpcSystem s = factory.create()) {
                record(driver.closedLoop(s, 1, 1).figure(system, mode, t != null, "sequential"));
                record(driver.closedLoop(s, 1, 256).figure(system, mode, t != null, "1x256"));
            }
        });
    }

    private void record(Figure f) {
        figures.add(f);
        log.printf("  %-22s %-9s %-10s %,11.0f /s  p50 %,8.1f us  p99 %,8.1f us  p99.9 %,8.1f us  cpu %,6.1f us/call%n",
                f.label(), f.tls() ? "TLS" : "plaintext", f.scenario(), f.rate(), f.p50(), f.p99(), f.p999(), f.cpuUs());
    }
}
