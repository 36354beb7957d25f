package dev.hardlight.netty;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;

/**
 * A Counter whose {@code block} ignores interrupts: it waits until the test counts {@link #release}
 * down, and records every interrupt it gets on the way ({@link #interrupts}). So a cancel or a
 * deadline cannot end it, only free its call id. One instance serves every connection of a server.
 */
final class StubbornHandler implements Counter {
    /** One permit per {@code block} call that has started. */
    final Semaphore started = new Semaphore(0);
    /** One permit per InterruptedException a {@code block} call caught. */
    final Semaphore interrupts = new Semaphore(0);
    /** Ends every {@code block} call (tests count it down when done). */
    final CountDownLatch release = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public int increment(int amount) {
        return count.addAndGet(amount);
    }

    @Override
    public String fail(String kind) {
        return kind;
    }

    @Override
    public int block(int token) {
        started.release();
        while (true) {
            try {
                release.await();
                return token;
            } catch (InterruptedException e) {
                interrupts.release(); // recorded, and ignored: keep waiting
            }
        }
    }

    @Override
    public int probe(int x) {
        return x;
    }

    /** A TLS server on a loopback port serving this handler to every connection. */
    HardLightServer serve(java.util.function.Consumer<ServerBuilder<Counter>> customize) {
        ServerBuilder<Counter> b = LowLatencyMode.server(HardLight.server(Counter.class, c -> this).tls(TestServer.TLS)
                .bind("127.0.0.1", 0));
        customize.accept(b);
        return b.start();
    }

    static ClientOptions pinned(HardLightServer server) {
        return LowLatencyMode.client(ClientOptions.pinned(server.tlsFingerprint()));
    }

    static java.net.URI uri(HardLightServer server) {
        return java.net.URI.create("wss://localhost:" + server.port() + "/hl");
    }
}
