package dev.hardlight.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.hardlight.internal.protocol.SessionPair.start;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.SyncedState;
import dev.hardlight.service.ServiceDescriptor;
import dev.hardlight.service.StateCodec;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connection state through the sans-I/O sessions: snapshot, deltas, ordering, atomicity. On a
 * {@link SessionPair} (handlers inline), except where the client's contract differs from the server's.
 */
@Timeout(30)
class StateSyncTest {
    private MemoryPipe toServer = new MemoryPipe();
    private MemoryPipe toClient = new MemoryPipe();
    private SyncedState<CalcState> serverState;
    /** The pair {@link #connect} made. */
    private SessionPair<Calc> pair;

    /** add(a, b) adds a to the state's counter and returns b: a call that changes state. */
    private final Calc handler = new Calc() {
        @Override
        public int add(int a, int b) {
            serverState.update(s -> new CalcState(s.counter() + a, s.user()));
            return b;
        }

        @Override
        public void check(String s) {
            serverState.update(st -> new CalcState(st.counter(), s));
        }

        @Override
        public String echo(String s) {
            return s;
        }

        @Override
        public int await() {
            return serverState.get().counter();
        }
    };

    private static ServiceDescriptor<Calc> withState(StateCodec<?> codec) {
        return withState(codec, "int");
    }

    /** Calc with a connection state whose schema names {@code counterType} as the counter's type. */
    private static ServiceDescriptor<Calc> withState(StateCodec<?> codec, String counterType) {
        String schema = Calc.SCHEMA.replace("service Calc\n", "service Calc\nstate dev.hardlight.internal.protocol.CalcState\n")
                + "record dev.hardlight.internal.protocol.CalcState(counter:" + counterType + ",user:string)\n";
        return new ServiceDescriptor<>(Calc.class, "Calc", Calc.sha256(schema), schema,
                Calc.DESCRIPTOR.methods(), Calc.DISPATCHER, codec);
    }

    @SuppressWarnings("unchecked")
    private ServerSession<Calc> server(java.util.concurrent.Executor executor) {
        ServerSession<Calc> s = new ServerSession<>(withState(CalcState.CODEC), handler, toClient, executor, 256, 1 << 20, "");
        serverState = (SyncedState<CalcState>) s.state();
        return s;
    }

    /**
     * A connected pair with state (handlers inline); {@code beforeHello} runs on the server's state
     * before the hello is sent, as a handler factory would. Returns its client.
     */
    private ClientSession connect(java.util.function.Consumer<SyncedState<CalcState>> beforeHello) {
        SessionPair<Calc> pair = SessionPair.withServer(withState(CalcState.CODEC), p -> {
            toClient = p.toClient;
            ServerSession<Calc> s = server(Runnable::run);
            beforeHello.accept(serverState);
            return s;
        });
        toServer = pair.toServer;
        this.pair = pair;
        return pair.client;
    }

    private ClientSession connect() {
        return connect(state -> { });
    }

    @Test
    void helloCarriesTheFullStateSoItIsValidOnConnect() {
        ClientSession client = connect(state -> {
            state.set(new CalcState(7, "ann")); // as a handler factory would, before the hello
            assertThat(toClient.frames).as("no delta before the hello").isEmpty();
        });
        assertThat(client.ready()).isCompleted();
        assertThat(client.state()).isEqualTo(new CalcState(7, "ann"));
    }

    @Test
    void deltaCarriesOnlyTheChangedFields() {
        connect();
        serverState.update(s -> new CalcState(s.counter() + 1, s.user()));
        assertThat(ByteBufUtil.hexDump(toClient.take())).isEqualTo("06" + "01" + "00" + "02");
        serverState.update(s -> new CalcState(s.counter(), "bo"));
        assertThat(ByteBufUtil.hexDump(toClient.take())).isEqualTo("06" + "01" + "01" + "02626f");
        serverState.update(s -> new CalcState(5, "x"));
        assertThat(ByteBufUtil.hexDump(toClient.take())).isEqualTo("06" + "02" + "000a" + "010178");
        serverState.update(s -> new CalcState(s.counter(), s.user()));
        assertThat(toClient.frames).as("an update that changes nothing sends nothing").isEmpty();
    }

    @Test
    void aCallsDeltaIsSentBeforeItsResultSoTheStateIsCurrentWhenTheCallReturns() throws Exception {
        ClientSession client = connect();
        CompletableFuture<Object> call = start(client, Calc.ADD, out -> { out.writeInt(3); out.writeInt(9); });
        pair.server.onMessage(Unpooled.wrappedBuffer(toServer.take()));
        byte[] first = toClient.take();
        byte[] second = toClient.take();
        assertThat(first[0]).isEqualTo((byte) FrameType.STATE_DELTA);
        assertThat(second[0]).isEqualTo((byte) FrameType.RESULT);
        List<Object> seenAtCompletion = new ArrayList<>();
        call.thenRun(() -> seenAtCompletion.add(client.state()));
        client.onMessage(Unpooled.wrappedBuffer(first));
        client.onMessage(Unpooled.wrappedBuffer(second));
        assertThat(call.get(5, TimeUnit.SECONDS)).isEqualTo(9);
        assertThat(seenAtCompletion).containsExactly(new CalcState(3, ""));
    }

    @Test
    void concurrentUpdatesLoseNothingAndTheClientSeesEveryCommittedStateInOrder() throws Exception {
        ClientSession client = connect();
        List<Integer> seen = new ArrayList<>();
        client.addStateListener((before, after) -> {
            assertThat(((CalcState) after).counter()).isEqualTo(((CalcState) before).counter() + 1);
            seen.add(((CalcState) after).counter());
        });
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < 100; t++) {
                threads.execute(() -> {
                    for (int i = 0; i < 100; i++) {
                        serverState.update(s -> new CalcState(s.counter() + 1, s.user()));
                    }
                });
            }
        }
        assertThat(serverState.get().counter()).isEqualTo(10_000);
        for (int i = 0; i < 10_000; i++) {
            client.onMessage(Unpooled.wrappedBuffer(toClient.take()));
        }
        assertThat(((CalcState) client.state()).counter()).isEqualTo(10_000);
        assertThat(seen).hasSize(10_000).isSorted();
    }

    @Test
    void failedUpdateChangesNothingAndSendsNothing() {
        connect();
        assertThatThrownBy(() -> serverState.update(s -> { throw new IllegalStateException("no"); }))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> serverState.update(s -> new CalcState(1, null))).isInstanceOf(RpcException.class);
        assertThat(serverState.get()).isEqualTo(new CalcState(0, ""));
        assertThat(toClient.frames).isEmpty();
    }

    @Test
    void clientWithADifferentStateTypeRefusesToConnect() {
        server(Runnable::run).start();
        StateCodec<CalcState> other = new DelegatingCodec(CalcState.CODEC) {
            @Override
            public long schemaHash() {
                return 42;
            }
        };
        ClientSession c = new ClientSession(withState(other, "long"), toServer, 8, "");
        assertThatThrownBy(() -> c.onMessage(Unpooled.wrappedBuffer(toClient.take()))).isInstanceOf(ProtocolViolation.class);
        assertThatThrownBy(() -> c.ready().join()).hasCauseInstanceOf(RpcException.class)
                .cause().isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.INCOMPATIBLE))
                .hasMessage("the server's connection state is incompatible with this client's "
                        + "dev.hardlight.internal.protocol.CalcState: record dev.hardlight.internal.protocol.CalcState "
                        + "component 1 is 'counter:long' here and 'counter:int' there");
    }

    @Test
    void aStateThatDiffersCompatiblyIsAccepted() {
        server(Runnable::run).start();
        StateCodec<CalcState> other = new DelegatingCodec(CalcState.CODEC) {
            @Override
            public long schemaHash() {
                return 42; // another hash, as after a component was appended on one side
            }
        };
        ClientSession c = new ClientSession(withState(other), toServer, 8, "");
        c.onMessage(Unpooled.wrappedBuffer(toClient.take()));
        assertThat(c.ready()).isCompleted();
        assertThat(c.state()).isEqualTo(new CalcState(0, ""));
    }

    @Test
    void malformedDeltasAreProtocolViolations() {
        ClientSession client = connect();
        for (String delta : List.of("0600", "060300020102", "06020102" + "0002", "0601010568", "060100")) {
            assertThatThrownBy(() -> client.onMessage(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(delta))))
                    .as(delta)
                    .isInstanceOfSatisfying(ProtocolViolation.class, v -> assertThat(v.closeCode()).isEqualTo(1002));
        }
        assertThat(client.state()).isEqualTo(new CalcState(0, ""));
    }

    @Test
    void handlerFactorySetsTheFirstStateAndKeepsSecretsInTheAttachment() {
        String secret = "s3cr3t-token-never-on-the-wire";
        ServerSession<Calc> server = ServerSession.open(withState(CalcState.CODEC), conn -> {
            conn.state(CalcState.class).set(new CalcState(1, "ann"));
            conn.attach(secret);
            assertThatThrownBy(() -> conn.state(String.class)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is a " + CalcState.class.getName());
            return handler;
        }, new TopicRegistry<>(null, toClient.alloc(), null, Runnable::run), 7, null, toClient, Runnable::run, 8, 1 << 20, "");
        server.start();
        assertThat(server.connection().attachment(String.class)).isEqualTo(secret);
        assertThat(server.connection().id()).isEqualTo(7);
        byte[] hello = toClient.take();
        ClientSession client = new ClientSession(withState(CalcState.CODEC), toServer, 8, "");
        client.onMessage(Unpooled.wrappedBuffer(hello));
        assertThat(client.state()).isEqualTo(new CalcState(1, "ann"));
        assertThat(new String(hello, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(secret);
    }

    @Test
    void serviceWithoutStateRefusesStateAccess() {
        ServerSession<Calc> server = ServerSession.open(Calc.DESCRIPTOR, conn -> {
            assertThatThrownBy(() -> conn.state(CalcState.class)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("declares no connection state");
            return handler;
        }, new TopicRegistry<>(null, toClient.alloc(), null, Runnable::run), 1, null, toClient, Runnable::run, 8, 1 << 20, "");
        assertThat(server.state()).isNull();
    }

    /** Forwards to another codec; tests override what they need. */
    private static class DelegatingCodec implements StateCodec<CalcState> {
        private final StateCodec<CalcState> d;

        DelegatingCodec(StateCodec<CalcState> d) {
            this.d = d;
        }

        @Override public Class<CalcState> type() { return d.type(); }
        @Override public CalcState initial() { return d.initial(); }
        @Override public long schemaHash() { return d.schemaHash(); }
        @Override public int fieldCount() { return d.fieldCount(); }
        @Override public String fieldName(int i) { return d.fieldName(i); }
        @Override public boolean fieldEquals(CalcState a, CalcState b, int i) { return d.fieldEquals(a, b, i); }
        @Override public void encodeField(CalcState v, int i, dev.hardlight.codec.WireWriter out) { d.encodeField(v, i, out); }
        @Override public CalcState applyDelta(CalcState base, int count, dev.hardlight.codec.WireReader in) { return d.applyDelta(base, count, in); }
        @Override public CalcState decode(dev.hardlight.codec.WireReader in) { return d.decode(in); }
    }
}
