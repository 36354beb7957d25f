package dev.hardlight.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.hardlight.internal.protocol.SessionPair.start;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.codec.Codecs;
import dev.hardlight.service.MethodDescriptor;
import dev.hardlight.service.ServiceDescriptor;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Feature-gated methods through the sans-I/O sessions, on a {@link SessionPair} (handlers inline). */
@Timeout(10)
class FeaturesTest {
    private MemoryPipe toServer;
    private MemoryPipe toClient;
    private final AtomicInteger handlerRuns = new AtomicInteger();
    private ServerSession<Calc> server;

    /** add needs "authenticated"; check("login") enables it, check("logout") disables it. */
    private final MethodDescriptor<Integer> gatedAdd =
            new MethodDescriptor<>(0, "add", 0x1111L, Codecs.INT, List.of(), "authenticated");
    private final ServiceDescriptor<Calc> service = new ServiceDescriptor<>(Calc.class, "Calc", Calc.sha256("f"), "f",
            List.of(gatedAdd, Calc.CHECK, Calc.ECHO, Calc.AWAIT), Calc.DISPATCHER);

    private final Calc handler = new Calc() {
        @Override
        public int add(int a, int b) {
            handlerRuns.incrementAndGet();
            return a + b;
        }

        @Override
        public void check(String s) {
            switch (s) {
                case "login" -> server.connection().features().enable("authenticated");
                case "logout" -> server.connection().features().disable("authenticated");
                default -> { }
            }
        }

        @Override
        public String echo(String s) {
            return s;
        }

        @Override
        public int await() {
            return 0;
        }
    };

    /** A pair whose server admitted the connection with {@code initial} features; returns its client. */
    private ClientSession connect(Set<String> initial) {
        SessionPair<Calc> pair = SessionPair.withServer(service, p -> ServerSession.open(service, c -> handler,
                new TopicRegistry<>(null, p.toClient.alloc(), null, Runnable::run),
                new ServerSession.Admission(1, null, null, initial, "principal"), p.toClient, Runnable::run, 8, 1 << 20, ""));
        server = pair.server;
        toServer = pair.toServer;
        toClient = pair.toClient;
        return pair.client;
    }

    private Object call(ClientSession client, MethodDescriptor<?> m, dev.hardlight.service.ArgumentWriter args) throws Exception {
        CompletableFuture<Object> f = start(client, m, args);
        server.onMessage(Unpooled.wrappedBuffer(toServer.take()));
        while (!f.isDone()) {
            client.onMessage(Unpooled.wrappedBuffer(toClient.take()));
        }
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    @Test
    void forbiddenCallIsRefusedBeforeItsArgumentsAreDecoded() {
        connect(Set.of());
        // add's arguments here are garbage a decoder would refuse (INVALID_ARGUMENT); the answer proves they were never read.
        server.onMessage(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("020000" + "ffffffffffffff")));
        Frame answer = Frame.decode(Unpooled.wrappedBuffer(toClient.take()));
        assertThat(answer).isEqualTo(new Frame.Error(0, Status.PERMISSION_DENIED,
                "Calc.add needs the feature 'authenticated', which this connection lacks", 0));
        assertThat(handlerRuns).hasValue(0);
        assertThat(server.inFlight()).isZero();
    }

    @Test
    void helloCarriesTheFirstFeatureSetAndThePrincipalStaysOnTheServer() throws Exception {
        ClientSession client = connect(Set.of("authenticated"));
        assertThat(client.features()).containsExactly("authenticated");
        assertThat(server.connection().attachment(String.class)).isEqualTo("principal");
        assertThat(call(client, gatedAdd, out -> { out.writeInt(2); out.writeInt(3); })).isEqualTo(5);
    }

    @Test
    void clientFailsFastLocallyForAMethodItsConnectionLacks() {
        ClientSession client = connect(Set.of());
        assertThatThrownBy(() -> start(client, gatedAdd, out -> { out.writeInt(1); out.writeInt(1); }))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.PERMISSION_DENIED))
                .hasMessageContaining("needs the feature 'authenticated'");
        assertThat(toServer.frames).as("no round trip").isEmpty();
    }

    @Test
    void featureChangeMidConnectionReachesTheClientBeforeTheCallReturns() throws Exception {
        ClientSession client = connect(Set.of());
        CompletableFuture<Object> login = start(client, Calc.CHECK, out -> out.writeString("login"));
        server.onMessage(Unpooled.wrappedBuffer(toServer.take()));
        byte[] first = toClient.take();
        assertThat(Frame.decode(Unpooled.wrappedBuffer(first))).isEqualTo(new Frame.FeaturesFrame(List.of("authenticated")));
        client.onMessage(Unpooled.wrappedBuffer(first));
        client.onMessage(Unpooled.wrappedBuffer(toClient.take()));
        assertThat(login).isCompleted();
        assertThat(client.features()).containsExactly("authenticated");
        assertThat(call(client, gatedAdd, out -> { out.writeInt(20); out.writeInt(22); })).isEqualTo(42);
        call(client, Calc.CHECK, out -> out.writeString("logout"));
        assertThat(client.features()).isEmpty();
        server.onMessage(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("020000" + "0202")));
        assertThat(((Frame.Error) Frame.decode(Unpooled.wrappedBuffer(toClient.take()))).status()).isEqualTo(Status.PERMISSION_DENIED);
        assertThat(handlerRuns).hasValue(1);
    }

    @Test
    void changingNothingSendsNothingAndNamesAreChecked() throws Exception {
        connect(Set.of("a"));
        server.connection().features().enable("a");
        server.connection().features().disable("b");
        assertThat(toClient.frames).isEmpty();
        assertThatThrownBy(() -> server.connection().features().enable("bad name")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void malformedFeatureFramesAreProtocolViolations() {
        ClientSession client = connect(Set.of());
        for (String frame : List.of("0802016201" + "61", "080101" + "20", "0801")) {
            assertThatThrownBy(() -> client.onMessage(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(frame))))
                    .as(frame).isInstanceOf(ProtocolViolation.class);
        }
    }
}
