package dev.hardlight.cli;

import dev.hardlight.Connection;
import dev.hardlight.EventEmitter;
import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.SyncedState;
import dev.hardlight.Topic;
import dev.hardlight.netty.HardLight;
import dev.hardlight.netty.HardLightServer;
import dev.hardlight.netty.ServerBuilder;
import dev.hardlight.netty.Tls;
import java.util.function.UnaryOperator;

/** A real TLS server of {@link Kitchen} on a free loopback port, for the command line's tests. */
final class KitchenServer implements AutoCloseable {
    static final Tls TLS = Tls.selfSigned("localhost");

    final HardLightServer server;

    KitchenServer() {
        this(b -> b);
    }

    KitchenServer(UnaryOperator<ServerBuilder<Kitchen>> configure) {
        server = configure.apply(HardLight.server(Kitchen.class, Handler::new).tls(TLS).bind("127.0.0.1", 0)).start();
    }

    String url() {
        return "wss://localhost:" + server.port() + "/hl";
    }

    String pin() {
        return TLS.fingerprint();
    }

    @Override
    public void close() {
        server.close();
    }

    static final class Handler implements Kitchen {
        private final Connection connection;
        private final SyncedState<State> state;
        private final EventEmitter<Event> events;

        Handler(Connection connection) {
            this.connection = connection;
            this.state = connection.state(State.class);
            this.events = connection.events(Event.class);
        }

        @Override
        public All echo(All all) {
            return all;
        }

        @Override
        public int add(int a, int b) {
            return a + b;
        }

        @Override
        public long big(long value, String note) {
            return note == null ? value : -value;
        }

        @Override
        public void fail(String how) throws Problem {
            switch (how) {
                case "declared" -> throw new Problem("the soup is cold");
                case "not-found" -> throw new RpcException(Status.NOT_FOUND, "no such soup");
                default -> throw new IllegalStateException("kitchen on fire");
            }
        }

        @Override
        public int bump(int by) {
            State after = state.update(s -> new State(s.count() + by, "bump " + by));
            events.emit(Topic.of("bumps"), new Bumped(after.count()));
            return after.count();
        }

        @Override
        public void join(String topic) {
            connection.subscriptions().add(Topic.of(topic));
        }

        @Override
        public String secret() {
            return "42";
        }

        @Override
        public int slow(int millis) throws InterruptedException {
            Thread.sleep(millis);
            return millis;
        }
    }
}
