package dev.hardlight.netty;

import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/** A TLS Counter server on an ephemeral loopback port, with the latches tests steer it by. */
final class TestServer implements AutoCloseable {
    /** One self-signed identity for the whole test run (made on first use). */
    static final Tls TLS = Tls.selfSigned("localhost");

    final CounterHandler.Probe probe;
    final CountDownLatch release = new CountDownLatch(1);
    /** One permit per {@code block} call that has started waiting. */
    final Semaphore blocked = new Semaphore(0);
    final HardLightServer server;

    private TestServer(int probeTarget, Consumer<ServerBuilder<Counter>> customize) {
        probe = new CounterHandler.Probe(probeTarget);
        ServerBuilder<Counter> b = LowLatencyMode.server(HardLight.server(Counter.class, c -> handler()).tls(TLS).bind("127.0.0.1", 0));
        customize.accept(b);
        server = b.start();
    }

    private Counter handler() {
        CounterHandler h = new CounterHandler(probe, release, new CountDownLatch(0));
        return new Counter() {
            @Override
            public int increment(int amount) {
                return h.increment(amount);
            }

            @Override
            public String fail(String kind) throws CounterException {
                return h.fail(kind);
            }

            @Override
            public int block(int token) throws InterruptedException {
                blocked.release();
                return h.block(token);
            }

            @Override
            public int probe(int x) throws InterruptedException {
                return h.probe(x);
            }
        };
    }

    static TestServer start() {
        return new TestServer(1, b -> {});
    }

    static TestServer start(Consumer<ServerBuilder<Counter>> customize) {
        return new TestServer(1, customize);
    }

    static TestServer startWithProbe(int probeTarget, Consumer<ServerBuilder<Counter>> customize) {
        return new TestServer(probeTarget, customize);
    }

    URI uri() {
        return URI.create("wss://localhost:" + server.port() + "/hl");
    }

    ClientOptions pinned() {
        return LowLatencyMode.client(ClientOptions.pinned(server.tlsFingerprint()));
    }

    CounterClient connect() {
        return HardLight.connect(uri(), pinned(), CounterClient.FACTORY);
    }

    @Override
    public void close() {
        release.countDown();
        server.close();
    }
}
