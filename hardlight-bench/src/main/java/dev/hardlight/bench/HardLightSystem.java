package dev.hardlight.bench;

import dev.hardlight.netty.ClientOptions;
import dev.hardlight.netty.HardLight;
import dev.hardlight.netty.HardLightServer;
import dev.hardlight.netty.ServerBuilder;
import dev.hardlight.netty.Tls;
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
            b.busyPoll(true); // one spinning I/O thread (the option's default), as for the other systems
            o.busyPoll(true);
        }
        this.server = b.start();
        this.uri = URI.create((tls != null ? "wss" : "ws") + "://127.0.0.1:" + server.port() + "/hl");
        this.options = o.build();
    }

    HardLightServer server() {
        return server;
    }

    @Override
    public Conn connect() {
        IncrementerClient client = HardLight.connect(uri, options, IncrementerClient.FACTORY);
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
