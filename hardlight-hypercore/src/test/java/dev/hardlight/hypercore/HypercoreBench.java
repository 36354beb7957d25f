package dev.hardlight.hypercore;

import dev.hardlight.hypercore.internal.Keys;
import dev.hardlight.hypercore.internal.NoiseXX;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A short benchmark, run by hand (not a test): handshakes per second, and one-way throughput of large and small
 * extension messages over loopback TCP between Java and Java, JS and JS (src/test/js/bench-peer.js on the pinned
 * npm packages), Java to JS and JS to Java. The receiver times from its first message to its last. Figures are
 * informative only: one run, on whatever else the machine is doing. Run from the module directory:
 * <pre>
 * ../mvnw -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) dev.hardlight.hypercore.HypercoreBench
 * </pre>
 */
public final class HypercoreBench {
    static final byte[] KEY = new byte[32];
    static final byte[] DK = Keys.discoveryKey(KEY);

    public static void main(String[] args) throws Exception {
        int bigN = 1500;
        int bigSize = 64 * 1024;
        int smallN = 100_000;
        int smallSize = 16;
        handshakes();
        javaToJava(300, bigSize); // JIT warm-up of the Java paths, not reported
        javaToJava(20_000, smallSize);
        for (int[] c : new int[][] {{bigN, bigSize}, {smallN, smallSize}}) {
            int n = c[0];
            int size = c[1];
            report("Java -> Java", n, size, javaToJava(n, size));
            report("JS   -> JS  ", n, size, jsToJs(n, size));
            report("Java -> JS  ", n, size, javaToJs(n, size));
            report("JS   -> Java", n, size, jsToJava(n, size));
        }
    }

    static void report(String what, int n, int size, double ms) {
        System.out.printf(Locale.ROOT, "%s %7d x %6d B: %8.1f ms  %8.1f MB/s  %10.0f msg/s%n", what, n, size, ms,
                (double) n * size / 1e6 / (ms / 1000), n / (ms / 1000));
    }

    static void handshakes() throws Exception {
        Ed25519KeyPair a = Ed25519KeyPair.generate();
        Ed25519KeyPair b = Ed25519KeyPair.generate();
        for (int round = 0; round < 2; round++) { // the first round warms up
            int count = 500;
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                NoiseXX x = new NoiseXX(true, a, null);
                NoiseXX y = new NoiseXX(false, b, null);
                y.receive(x.send());
                x.receive(y.send());
                y.receive(x.send());
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            long t1 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                Pair p = new Pair(ProtocolOptions.builder().keyPair(a).build(), ProtocolOptions.builder().keyPair(b).build());
                p.pump();
            }
            double full = (System.nanoTime() - t1) / 1e6;
            if (round == 1) {
                System.out.printf(Locale.ROOT, "Java Noise XX handshakes: %.0f/s; full secure-stream setup (with ids and headers): %.0f/s%n",
                        count / (ms / 1000), count / (full / 1000));
            }
        }
        try (JsPeer js = JsPeer.start("bench-peer.js", "handshakes", "500")) {
            Map<String, Object> d = js.await("done");
            System.out.printf(Locale.ROOT, "JS   Noise XX handshakes: %.0f/s%n", 500 / (((Number) d.get("ms")).doubleValue() / 1000));
        }
    }

    /** A Java sink: completes with the ms from the first extension message to the n-th. */
    static TcpConnection.Handler sink(int n, CompletableFuture<Double> done) {
        AtomicLong count = new AtomicLong();
        long[] start = new long[1];
        return (c, e) -> {
            switch (e) {
                case Event.DiscoveryKey d -> c.open(KEY);
                case Event.Received r when r.message() instanceof Message.Extension -> {
                    long k = count.incrementAndGet();
                    if (k == 1) {
                        start[0] = System.nanoTime();
                    }
                    if (k == n) {
                        done.complete((System.nanoTime() - start[0]) / 1e6);
                        c.close();
                    }
                }
                default -> {}
            }
        };
    }

    static TcpConnection.Handler source(int n, int size) {
        return (c, e) -> {
            if (e instanceof Event.DiscoveryKey) {
                c.open(KEY);
            } else if (e instanceof Event.ChannelOpened) {
                Thread.ofVirtual().start(() -> {
                    Message.Extension m = new Message.Extension("bench", new byte[size]);
                    for (int i = 0; i < n && c.isChannelOpen(DK); i++) {
                        c.send(DK, m);
                    }
                });
            }
        };
    }

    static double javaToJava(int n, int size) throws Exception {
        CompletableFuture<Double> done = new CompletableFuture<>();
        try (TcpServer server = TcpServer.listenLoopback(ProtocolOptions.defaults(), sink(n, done))) {
            TcpConnection c = TcpConnection.connect(server.address(), ProtocolOptions.defaults(), source(n, size));
            c.open(KEY);
            double ms = done.get(5, TimeUnit.MINUTES);
            c.close();
            return ms;
        }
    }

    static double jsToJs(int n, int size) throws Exception {
        String key = HexFormat.of().formatHex(KEY);
        try (JsPeer sink = JsPeer.start("bench-peer.js", "serve", key, "sink", Integer.toString(n), Integer.toString(size))) {
            int port = ((Number) sink.await("listening").get("port")).intValue();
            try (JsPeer source = JsPeer.start("bench-peer.js", "connect", Integer.toString(port), key, "source", Integer.toString(n), Integer.toString(size))) {
                return ((Number) sink.awaitLong("done", 300).get("ms")).doubleValue();
            }
        }
    }

    static double javaToJs(int n, int size) throws Exception {
        String key = HexFormat.of().formatHex(KEY);
        try (JsPeer sink = JsPeer.start("bench-peer.js", "serve", key, "sink", Integer.toString(n), Integer.toString(size))) {
            int port = ((Number) sink.await("listening").get("port")).intValue();
            TcpConnection c = TcpConnection.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), ProtocolOptions.defaults(), source(n, size));
            c.open(KEY);
            double ms = ((Number) sink.awaitLong("done", 300).get("ms")).doubleValue();
            c.close();
            return ms;
        }
    }

    static double jsToJava(int n, int size) throws Exception {
        CompletableFuture<Double> done = new CompletableFuture<>();
        try (TcpServer server = TcpServer.listenLoopback(ProtocolOptions.defaults(), sink(n, done));
             JsPeer source = JsPeer.start("bench-peer.js", "connect", Integer.toString(server.port()), HexFormat.of().formatHex(KEY), "source",
                     Integer.toString(n), Integer.toString(size))) {
            return done.get(5, TimeUnit.MINUTES);
        }
    }
}
