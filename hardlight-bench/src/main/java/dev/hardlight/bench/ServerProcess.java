package dev.hardlight.bench;

import dev.hardlight.EventEmitter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.ObjectName;

/**
 * The server of the fan-out and idle-connection scenarios, in a JVM of its own: 10,000 connections
 * need 20,000 file descriptors with both ends in one process, more than this machine's hard limit
 * allows; and a fresh JVM holding nothing but the server makes its heap per connection readable.
 * Driven by lines on standard input, answering on standard output:
 * <pre>
 *   (start)  READY port
 *   HEAP     HEAP usedBytes       heap in use after full GCs
 *   COUNT    COUNT subscribers    subscribed connections (HardLight) or open streams (gRPC)
 *   EMIT     EMITTED n nanos      one tick emitted to every subscriber; n recipients, the emit call's time
 *   CPU      CPU nanos            CPU time this process has used
 *   QUIT     (exits)
 * </pre>
 * Arguments: {@code hardlight|grpc|netty-ws} and the TLS directory (or {@code plain}). The raw Netty
 * WebSocket server is the fan-out ceiling: every connection is a subscriber, and an emit writes one
 * shared 8-byte message to each.
 */
public final class ServerProcess {
    private ServerProcess() {}

    public static void main(String[] args) throws Exception {
        String system = args[0];
        BenchTls tls = args[1].equals("plain") ? null : BenchTls.open(Path.of(args[1]));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        HardLightSystem hardlight = null;
        GrpcSystem grpc = null;
        NettyWsSystem ws = null;
        EventEmitter<Tick> emitter = null;
        if (system.equals("hardlight")) {
            hardlight = new HardLightSystem(Mode.DEFAULT, tls);
            emitter = hardlight.server().events(Tick.class);
            out.println("READY " + hardlight.server().port());
        } else if (system.equals("grpc")) {
            grpc = new GrpcSystem(Mode.DIRECT, tls);
            out.println("READY " + grpc.port());
        } else {
            ws = new NettyWsSystem(false, tls);
            out.println("READY " + ws.port());
        }
        int heaps = 0;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.equals("QUIT")) {
            switch (line) {
                case "HEAP" -> {
                    out.println("HEAP " + usedHeapAfterGc());
                    histogram(system, ++heaps);
                }
                case "CPU" -> out.println("CPU " + LoadDriver.cpuNanos());
                case "COUNT" -> out.println("COUNT " + (hardlight != null ? hardlight.server().subscriptionCount()
                        : grpc != null ? grpc.streamCount() : ws.connectionCount()));
                case "EMIT" -> {
                    long t0 = System.nanoTime();
                    int n = hardlight != null
                            ? emitter.emit(IncrementerHandler.FANOUT, new Tick.At(System.nanoTime()))
                            : grpc != null ? grpc.emit(System.nanoTime()) : ws.emit(System.nanoTime());
                    out.println("EMITTED " + n + " " + (System.nanoTime() - t0));
                }
                default -> out.println("ERROR unknown command " + line);
            }
        }
        // Exit without closing: the parent is done with the connections (shutdown hooks run, so a
        // flight recording is written).
        System.exit(0);
    }

    /**
     * With HL_BENCH_HISTO=dir set, writes the class histogram of the live heap (what holds the
     * memory of idle connections) to {@code dir/histo-<system>-<n>.txt}.
     */
    private static void histogram(String system, int n) throws Exception {
        String dir = System.getenv("HL_BENCH_HISTO");
        if (dir == null) {
            return;
        }
        Object text = ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Files.writeString(Path.of(dir, "histo-" + system + "-" + n + ".txt"), String.valueOf(text));
    }

    /** Heap in use once garbage is collected: full GCs until the figure settles. */
    static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (Math.abs(now - used) < 64 * 1024) {
                return Math.min(now, used);
            }
            used = Math.min(used, now);
        }
        return used;
    }
}
