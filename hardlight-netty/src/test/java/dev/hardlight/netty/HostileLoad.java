package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A small harness for hostile-load tests: raw attacker sockets on loopback (plain or TLS, trusting
 * any certificate), a well-behaved bystander that keeps calling while an attack runs and records its
 * worst latency, a sampler of the process's peak direct memory and heap, and the check that the
 * server returns to its baseline afterwards. Every test using it bounds its attack in sockets and
 * time; the figures it prints ({@code HOSTILE ...} lines) are what the closing notes quote.
 */
final class HostileLoad {
    private HostileLoad() {}

    /** A socket to the server on loopback; over TLS (any certificate trusted) when {@code tls}. */
    static Socket connect(int port, boolean tls) throws IOException {
        return connect(null, port, tls);
    }

    /** A socket to the server on loopback from a local address ({@code null}: any); TLS as above. */
    static Socket connect(InetAddress local, int port, boolean tls) throws IOException {
        return connect(local, port, tls, 0);
    }

    /**
     * As {@link #connect(InetAddress, int, boolean)}, with a receive buffer of {@code receiveBuffer}
     * bytes (0: the system's): a small one makes a peer that reads nothing fill up fast.
     */
    static Socket connect(InetAddress local, int port, boolean tls, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        if (local != null) {
            s.bind(new InetSocketAddress(local, 0));
        }
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        s.setSoTimeout(10_000);
        s.setTcpNoDelay(true);
        if (!tls) {
            return s;
        }
        SSLSocket ssl = (SSLSocket) trustAll().getSocketFactory().createSocket(s, "localhost", port, true);
        ssl.setSoTimeout(10_000);
        ssl.startHandshake();
        return ssl;
    }

    private static SSLContext trustAll() {
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return ssl;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A well-formed hardlight.v1 upgrade request, as bytes. */
    static byte[] upgradeRequest(int port) {
        return ("GET /hl HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: hardlight.v1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Concatenates byte arrays (a request and frames, to be written in one write). */
    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /** Direct memory in use: Netty's counter when it tracks it, else the pooled allocator's. */
    static long directMemory() {
        long used = PlatformDependent.usedDirectMemory();
        return used >= 0 ? used : PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
    }

    /** The server's state before an attack, to return to after it. */
    record Baseline(HardLightServer server, int connections, long direct, long subscriptions) {
        static Baseline of(HardLightServer server) {
            return new Baseline(server, server.connectionCount(), directMemory(), server.subscriptionCount());
        }

        /**
         * Waits until the connections and subscriptions are back to the baseline and direct memory is within
         * {@code slack} of it (the pool may keep a chunk or two cached).
         */
        void awaitReturn(long slack) throws InterruptedException {
            Await.until("connections back to " + connections, Duration.ofSeconds(10), () -> server.connectionCount() == connections);
            Await.until("subscriptions back to " + subscriptions, Duration.ofSeconds(10), () -> server.subscriptionCount() == subscriptions);
            Await.until("direct memory back to the baseline", Duration.ofSeconds(10), () -> directMemory() <= direct + slack);
        }
    }

    /**
     * Samples direct memory and heap in use every 5 ms until closed, and runs a bystander: a
     * well-behaved client calling {@code increment(1)} in a loop, recording its worst latency and
     * any failure.
     */
    static final class Watch implements AutoCloseable {
        private final AtomicLong peakDirect = new AtomicLong();
        private final AtomicLong peakHeap = new AtomicLong();
        private final AtomicLong worstNanos = new AtomicLong();
        private final AtomicLong calls = new AtomicLong();
        private volatile Throwable failure;
        private volatile boolean running = true;
        private final Thread sampler;
        private final Thread bystander;

        Watch(CounterClient client) {
            sampler = Thread.ofPlatform().daemon().name("hostile-sampler").start(() -> {
                Runtime rt = Runtime.getRuntime();
                while (running) {
                    peakDirect.accumulateAndGet(directMemory(), Math::max);
                    peakHeap.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            bystander = Thread.ofPlatform().daemon().name("hostile-bystander").start(() -> {
                while (running) {
                    long t0 = System.nanoTime();
                    try {
                        client.increment(1);
                    } catch (Throwable t) {
                        failure = t;
                        return;
                    }
                    worstNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
                    calls.incrementAndGet();
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            // The attack starts once the bystander is seen answered: a short attack on a loaded machine
            // could otherwise be over before its first call, and "answered during the attack" fail.
            try {
                Await.until("the bystander's first answer", Duration.ofSeconds(10), () -> calls.get() > 0 || failure != null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** The peak direct memory in use seen so far. */
        long peakDirect() {
            return peakDirect.get();
        }

        /** The bystander's worst latency so far. */
        Duration worst() {
            return Duration.ofNanos(worstNanos.get());
        }

        /**
         * Stops, checks that the bystander made calls, never failed and never waited longer than
         * {@code bound}, and prints the figures under {@code name}.
         */
        void check(String name, Duration bound, String outcome) throws InterruptedException {
            close();
            System.out.printf("HOSTILE %s: peak direct %d KiB, peak heap %d MiB, bystander worst %d ms over %d calls; %s%n",
                    name, peakDirect.get() / 1024, peakHeap.get() >> 20, worst().toMillis(), calls.get(), outcome);
            assertThat(failure).as("the bystander never fails").isNull();
            assertThat(calls.get()).as("the bystander got answers during the attack").isPositive();
            assertThat(worst()).as("the bystander's worst latency").isLessThan(bound);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            sampler.join(5_000);
            bystander.join(15_000);
        }
    }
}
