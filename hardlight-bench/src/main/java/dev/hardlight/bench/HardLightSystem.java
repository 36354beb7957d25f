package dev.hardlight.bench;

import dev.hardlight.netty.ClientOptions;
import dev.hardlight.netty.HardLight;
import dev.hardlight.netty.HardLightServer;
import dev.hardlight.netty.ServerBuilder;
import dev.hardlight.netty.Tls;
import java.lang.reflect.Method;
import java.net.URI;
import java.util.function.IntConsumer;

/**
 * HardLight: the generated {@link IncrementerClient} against a {@code HardLight.server} on loopback,
 * over TLS (pinned self-signed certificate) or plaintext.
 */
final class HardLightSystem implements RpcSystem {
    private final HardLightServer server;
    private final URI uri;
    private final ClientOptions options;

    HardLightSystem(Mode mode, BenchTls tls) {
        ServerBuilder<Incrementer> b = HardLight.server(Incrementer.class, IncrementerHandler::new)
                .bind("127.0.0.1", 0)
                .maxConnections(50_000);
        ClientOptions.Builder o = ClientOptions.builder();
        if (tls != null) {
            b.tls(Tls.fromPem(tls.cert, tls.key));
            o.pinned(tls.fingerprint);
        } else {
            b.insecurePlaintext();
            o.insecurePlaintext();
        }
        if (mode != Mode.DEFAULT) {
            b.handlerExecutor(Runnable::run); // on the I/O thread, as gRPC's directExecutor
        }
        if (mode == Mode.BUSY_POLL) {
            busyPoll(b, o);
        }
        this.server = b.start();
        this.uri = URI.create((tls != null ? "wss" : "ws") + "://127.0.0.1:" + server.port() + "/hl");
        this.options = o.build();
    }

    /**
     * Whether this build of HardLight has the busy-poll option ({@code ServerBuilder.busyPoll(boolean)}
     * and {@code ClientOptions.Builder.busyPoll(boolean)}); looked up reflectively so the harness runs
     * the scenario as soon as the option exists, and skips it before.
     */
    static boolean busyPollAvailable() {
        return busyPollMethod(ServerBuilder.class) != null && busyPollMethod(ClientOptions.Builder.class) != null;
    }

    private static Method busyPollMethod(Class<?> type) {
        try {
            return type.getMethod("busyPoll", boolean.class);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static void busyPoll(ServerBuilder<?> b, ClientOptions.Builder o) {
        try {
            busyPollMethod(ServerBuilder.class).invoke(b, true);
            busyPollMethod(ClientOptions.Builder.class).invoke(o, true);
        } catch (ReflectiveOperationException | NullPointerException e) {
            throw new UnsupportedOperationException("this HardLight build has no busy-poll option", e);
        }
    }

    HardLightServer server() {
        return server;
    }

    URI uri() {
        return uri;
    }

    ClientOptions options() {
        return options;
    }

    @Override
    public Conn connect() {
        IncrementerClient client = IncrementerClient.connect(uri, options);
        return new Conn() {
            @Override
            public int callBlocking(int x) {
                return client.increment(x);
            }

            @Override
            public void callAsync(int x, IntConsumer done) {
                client.incrementAsync(x).whenComplete((r, e) -> done.accept(e == null ? r : -1));
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }

    @Override
    public void close() {
        server.close();
    }
}
