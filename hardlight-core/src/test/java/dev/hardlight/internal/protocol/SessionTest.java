package dev.hardlight.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.hardlight.internal.protocol.SessionPair.start;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.internal.codec.ByteBufWireWriter;
import dev.hardlight.service.ArgumentWriter;
import dev.hardlight.service.MethodDescriptor;
import dev.hardlight.service.ServiceDescriptor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Both sessions driven through in-memory pipes, on a {@link SessionPair}: the protocol's behaviour with
 * no sockets. Tests of the hello itself, and of clients whose contract differs from the server's, open
 * the sessions by hand.
 */
@Timeout(30)
class SessionTest {
    private MemoryPipe toServer = new MemoryPipe();
    private MemoryPipe toClient = new MemoryPipe();
    /** The pair {@link #server} connected, or null. */
    private SessionPair<Calc> pair;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch awaiting = new CountDownLatch(1);
    private final AtomicInteger interrupted = new AtomicInteger();
    private final CountDownLatch handlerInterrupted = new CountDownLatch(1);
    private final AtomicInteger handlerRuns = new AtomicInteger();

    private final Calc handler = new Calc() {
        @Override
        public int add(int a, int b) {
            handlerRuns.incrementAndGet();
            return a + b;
        }

        @Override
        public void check(String s) throws CalcException {
            handlerRuns.incrementAndGet();
            switch (s) {
                case "app" -> throw new CalcException("not valid: " + s);
                case "rpc" -> throw new RpcException(Status.NOT_FOUND, "no such thing");
                case "crash" -> throw new IllegalStateException("boom");
                case "error" -> throw new AssertionError("broken invariant");
                default -> { }
            }
        }

        @Override
        public String echo(String s) {
            handlerRuns.incrementAndGet();
            return s.equals("null") ? null : s;
        }

        @Override
        public int await() throws InterruptedException {
            awaiting.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                handlerInterrupted.countDown();
                throw e;
            }
            return 42;
        }
    };

    @AfterEach
    void stop() {
        release.countDown();
        threads.close();
    }

    /** Connects a pair whose server allows {@code maxInFlight} calls and runs handlers on {@code executor}. */
    private ServerSession<Calc> server(Executor executor, int maxInFlight) {
        return server(executor, maxInFlight, 1 << 20);
    }

    private ServerSession<Calc> server(Executor executor, int maxInFlight, int maxMessageSize) {
        pair = SessionPair.withServer(Calc.DESCRIPTOR, p -> new ServerSession<>(Calc.DESCRIPTOR, handler, p.toClient,
                executor, maxInFlight, maxMessageSize, "[test] "));
        toServer = pair.toServer;
        toClient = pair.toClient;
        return pair.server;
    }

    /** The pair's client (its limit, 256, negotiated down to the server's). */
    private ClientSession client() {
        return pair.client;
    }

    /** A server session by hand, for tests of its hello: nothing but the hello delivered yet. */
    private ServerSession<Calc> serverAlone(int maxInFlight) {
        ServerSession<Calc> s = new ServerSession<>(Calc.DESCRIPTOR, handler, toClient, Runnable::run, maxInFlight, 1 << 20, "[test] ");
        s.start();
        return s;
    }

    /** A client of {@code contract} by hand, handed the hello of {@link #serverAlone}. */
    private ClientSession clientOf(ServiceDescriptor<?> contract) {
        ClientSession c = new ClientSession(contract, toServer, 8, "[test] ");
        c.onMessage(Unpooled.wrappedBuffer(toClient.take()));
        return c;
    }

    private static ByteBuf buf(byte[] b) {
        return Unpooled.wrappedBuffer(b);
    }

    private static ByteBuf hex(String hex) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
    }

    /** Client sends, server handles (direct executor), client receives the answer. */
    private Object roundTrip(ServerSession<Calc> server, ClientSession client, MethodDescriptor<?> m, ArgumentWriter args)
            throws Exception {
        CompletableFuture<Object> f = start(client, m, args);
        server.onMessage(buf(toServer.take()));
        client.onMessage(buf(toClient.take()));
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    @Test
    void helloAnnouncesServiceFingerprintLimitsAndMethods() {
        serverAlone(64);
        Hello hello = Frames.readHello(buf(toClient.take()));
        assertThat(hello.version()).isEqualTo(1);
        assertThat(hello.service()).isEqualTo("Calc");
        assertThat(hello.fingerprint()).isEqualTo(Calc.DESCRIPTOR.fingerprint());
        assertThat(hello.maxInFlight()).isEqualTo(64);
        assertThat(hello.maxMessageSize()).isEqualTo(1 << 20);
        assertThat(hello.methods()).extracting(Hello.MethodEntry::name).containsExactly("add", "check", "echo", "await");
    }

    @Test
    void callRoundTripsThroughBothSessions() throws Exception {
        ServerSession<Calc> server = server(Runnable::run, 8);
        ClientSession client = client();
        assertThat(client.maxInFlight()).as("negotiated: the smaller limit").isEqualTo(8);
        assertThat(roundTrip(server, client, Calc.ADD, out -> { out.writeInt(2); out.writeInt(-5); })).isEqualTo(-3);
        assertThat(roundTrip(server, client, Calc.ECHO, out -> out.writeString("héllo"))).isEqualTo("héllo");
        assertThat(server.inFlight()).isZero();
        assertThat(client.inFlight()).isZero();
    }

    @Test
    void callFrameBytesAreExact() {
        server(Runnable::run, 8);
        ClientSession client = client();
        start(client, Calc.ADD, out -> { out.writeInt(1); out.writeInt(2); });
        assertThat(ByteBufUtil.hexDump(toServer.take())).isEqualTo("02" + "00" + "00" + "02" + "04");
    }

    @Test
    void declaredExceptionArrivesAsItsOwnType() {
        ServerSession<Calc> server = server(Runnable::run, 8);
        ClientSession client = client();
        assertThatThrownBy(() -> roundTrip(server, client, Calc.CHECK, out -> out.writeString("app")))
                .isInstanceOf(Calc.CalcException.class).hasMessage("not valid: app");
    }

    @Test
    void rpcExceptionFromHandlerKeepsItsStatus() {
        ServerSession<Calc> server = server(Runnable::run, 8);
        ClientSession client = client();
        assertThatThrownBy(() -> roundTrip(server, client, Calc.CHECK, out -> out.writeString("rpc")))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.NOT_FOUND))
                .hasMessage("no such thing");
    }

    @Test
    void handlerCrashIsAnOpaqueInternalErrorWithAnErrorIdByDefault() {
        ServerSession<Calc> server = server(Runnable::run, 8);
        ClientSession client = client();
        assertThatThrownBy(() -> roundTrip(server, client, Calc.CHECK, out -> out.writeString("crash")))
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.status()).isEqualTo(Status.INTERNAL);
                    assertThat(e.getMessage()).matches("internal error \\(error id [0-9a-f]{16}\\)");
                });
        assertThatThrownBy(() -> roundTrip(server, client, Calc.ECHO, out -> out.writeString("null")))
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.status()).isEqualTo(Status.INTERNAL);
                    assertThat(e.getMessage()).matches("internal error \\(error id [0-9a-f]{16}\\)");
                });
    }

    @Test
    void handlerCrashBecomesInternalErrorNeverAHang() {
        ServerSession<Calc> server = server(Runnable::run, 8);
        server.sendErrorDetails(true);
        ClientSession client = client();
        assertThatThrownBy(() -> roundTrip(server, client, Calc.CHECK, out -> out.writeString("crash")))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.INTERNAL))
                .hasMessageContaining("IllegalStateException: boom");
        assertThatThrownBy(() -> roundTrip(server, client, Calc.CHECK, out -> out.writeString("error")))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.INTERNAL))
                .hasMessageContaining("AssertionError: broken invariant");
        assertThatThrownBy(() -> roundTrip(server, client, Calc.ECHO, out -> out.writeString("null")))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.INTERNAL));
        assertThat(server.inFlight()).isZero();
    }

    @Test
    void undecodableArgumentsAnswerInvalidArgumentAndNeverRunTheHandler() {
        ServerSession<Calc> server = server(Runnable::run, 8);
        server.onMessage(hex("02" + "00" + "00" + "02")); // add(a) without b
        server.onMessage(hex("02" + "01" + "00" + "02040608")); // add(1, 2) and trailing bytes
        server.onMessage(hex("02" + "02" + "02" + "02c328")); // echo(invalid UTF-8)
        for (int i = 0; i < 3; i++) {
            Frame.Error e = (Frame.Error) Frame.decode(buf(toClient.take()));
            assertThat(e.status()).isEqualTo(Status.INVALID_ARGUMENT);
            assertThat(e.message()).startsWith("cannot decode the arguments of");
        }
        assertThat(handlerRuns).hasValue(0);
    }

    @Test
    void unknownMethodAnswersUnimplemented() {
        ServerSession<Calc> server = server(Runnable::run, 8);
        server.onMessage(hex("02" + "03" + "7f"));
        assertThat(Frame.decode(buf(toClient.take())))
                .isEqualTo(new Frame.Error(3, Status.UNIMPLEMENTED, "unknown method id 127 for service Calc", 0));
        assertThat(server.inFlight()).isZero();
    }

    @Test
    void duplicateCallIdInFlightIsAPolicyViolation() throws Exception {
        ServerSession<Calc> server = server(threads, 8);
        server.onMessage(hex("02" + "05" + "03"));
        assertThat(awaiting.await(5, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> server.onMessage(hex("02" + "05" + "00" + "0202")))
                .isInstanceOfSatisfying(ProtocolViolation.class, v -> assertThat(v.closeCode()).isEqualTo(1008))
                .hasMessageContaining("duplicate call id 5");
    }

    @Test
    void callIdBeyondTheLimitIsAPolicyViolation() {
        ServerSession<Calc> server = server(Runnable::run, 8);
        assertThatThrownBy(() -> server.onMessage(hex("02" + "08" + "00" + "0202")))
                .isInstanceOfSatisfying(ProtocolViolation.class, v -> assertThat(v.closeCode()).isEqualTo(1008))
                .hasMessageContaining("beyond the negotiated in-flight limit 8");
    }

    @Test
    void serverRefusesFramesThatAreNotTheClientsToSend() {
        ServerSession<Calc> server = server(Runnable::run, 8);
        for (String frame : List.of("0300", "01", "0400000000", "7f", "", "06", "0280")) {
            assertThatThrownBy(() -> server.onMessage(hex(frame)))
                    .as(frame)
                    .isInstanceOfSatisfying(ProtocolViolation.class, v -> assertThat(v.closeCode()).isEqualTo(1002));
        }
    }

    @Test
    void cancelInterruptsTheHandlerAndAnswersCancelled() throws Exception {
        ServerSession<Calc> server = server(threads, 8);
        ClientSession client = client();
        CompletableFuture<Object> f = start(client, Calc.AWAIT, ArgumentWriter.NONE);
        server.onMessage(buf(toServer.take()));
        assertThat(awaiting.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(f.cancel(true)).isTrue();
        byte[] cancel = toServer.take();
        assertThat(Frame.decode(buf(cancel))).isEqualTo(new Frame.Cancel(0));
        server.onMessage(buf(cancel));
        byte[] answer = toClient.take();
        assertThat(Frame.decode(buf(answer))).isEqualTo(new Frame.Error(0, Status.CANCELLED, "cancelled by the client", 0));
        assertThat(handlerInterrupted.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(client.inFlight()).as("the slot stays taken until the server answers").isEqualTo(1);
        client.onMessage(buf(answer));
        assertThat(client.inFlight()).isZero();
        assertThat(server.inFlight()).isZero();
    }

    @Test
    void callOverTheLimitWaitsForAFreeSlot() throws Exception {
        ServerSession<Calc> server = server(threads, 1);
        ClientSession client = client();
        CompletableFuture<Object> first = start(client, Calc.AWAIT, ArgumentWriter.NONE);
        server.onMessage(buf(toServer.take()));
        assertThat(client.tryStart(Calc.ADD, out -> { out.writeInt(1); out.writeInt(1); }, null))
                .as("the session itself never waits: no slot, no call").isNull();
        SlotQueue slots = new SlotQueue(client);
        CompletableFuture<CompletableFuture<Object>> second = CompletableFuture.supplyAsync(
                () -> slots.start(Calc.ADD, out -> { out.writeInt(1); out.writeInt(1); }, null), threads);
        assertThat(toServer.frames.poll(200, TimeUnit.MILLISECONDS)).as("second call waits, sends nothing").isNull();
        assertThat(second).isNotDone();
        release.countDown();
        client.onMessage(buf(toClient.take()));
        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(42);
        server.onMessage(buf(toServer.take()));
        client.onMessage(buf(toClient.take()));
        assertThat(second.get(5, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS)).isEqualTo(2);
    }

    @Test
    void connectionLossFailsPendingCallsAndLaterCallsFailFast() {
        server(Runnable::run, 8);
        ClientSession client = client();
        CompletableFuture<Object> pending = start(client, Calc.AWAIT, ArgumentWriter.NONE);
        client.onClosed(new RpcException(Status.CONNECTION_LOST, "connection closed: 1006"));
        assertThat(pending).isCompletedExceptionally();
        assertThatThrownBy(pending::join).hasCauseInstanceOf(RpcException.class).hasMessageContaining("1006");
        assertThatThrownBy(() -> start(client, Calc.ADD, out -> { out.writeInt(1); out.writeInt(1); }))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.CONNECTION_LOST));
    }

    @Test
    void waitersForASlotWakeUpAndFailWhenTheConnectionCloses() throws Exception {
        server(Runnable::run, 1);
        ClientSession client = client();
        start(client, Calc.AWAIT, ArgumentWriter.NONE);
        SlotQueue slots = new SlotQueue(client);
        CompletableFuture<Object> waiter = CompletableFuture.supplyAsync(() -> slots.start(Calc.AWAIT, ArgumentWriter.NONE, null), threads);
        assertThat(toServer.take()).isNotNull();
        client.onClosed(new RpcException(Status.CONNECTION_LOST, "gone"));
        assertThatThrownBy(() -> waiter.get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.CONNECTION_LOST));
        assertThat(toServer.frames).as("the waiter sent nothing").isEmpty();
    }

    @Test
    void argumentsThatCannotBeEncodedFailLocallyAndFreeTheSlot() {
        server(Runnable::run, 1);
        ClientSession client = client();
        assertThatThrownBy(() -> start(client, Calc.ECHO, out -> out.writeString(null)))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.INVALID_ARGUMENT));
        assertThat(client.inFlight()).isZero();
        assertThat(toServer.frames).isEmpty();
    }

    @Test
    void messageOverTheServersLimitFailsLocally() {
        server(Runnable::run, 8, 16);
        ClientSession client = client();
        assertThatThrownBy(() -> start(client, Calc.ECHO, out -> out.writeString("x".repeat(100))))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.RESOURCE_EXHAUSTED))
                .hasMessageContaining("at most 16");
        assertThat(client.inFlight()).isZero();
    }

    @Test
    void clientRefusesAServerOfAnotherService() {
        serverAlone(8);
        ServiceDescriptor<Calc> other = new ServiceDescriptor<>(Calc.class, "Other", Calc.sha256("x"), "x",
                List.of(Calc.ADD), Calc.DISPATCHER);
        ClientSession client = new ClientSession(other, toServer, 8, "");
        assertThatThrownBy(() -> client.onMessage(buf(toClient.take()))).isInstanceOf(ProtocolViolation.class);
        assertThatThrownBy(() -> client.ready().join()).hasCauseInstanceOf(RpcException.class)
                .hasMessageContaining("the server serves 'Calc', this client was generated for 'Other'");
    }

    @Test
    void methodsMissingOrChangedOnTheServerFailLocallyByName() {
        serverAlone(8);
        MethodDescriptor<Integer> changedAdd = new MethodDescriptor<>(0, "add", 0x9999L, dev.hardlight.codec.Codecs.INT, List.of());
        MethodDescriptor<Integer> extra = new MethodDescriptor<>(1, "subtract", 0x5555L, dev.hardlight.codec.Codecs.INT, List.of());
        MethodDescriptor<String> echo = new MethodDescriptor<>(2, "echo", 0x3333L, dev.hardlight.codec.Codecs.STRING, List.of());
        String v2 = """
                service Calc
                method add(a:long,b:int):int
                method subtract(a:int,b:int):int
                method echo(s:string):string
                """;
        ServiceDescriptor<Calc> newer = new ServiceDescriptor<>(Calc.class, "Calc", Calc.sha256(v2), v2,
                List.of(changedAdd, extra, echo), Calc.DISPATCHER);
        ClientSession client = clientOf(newer);
        assertThatThrownBy(() -> start(client, extra, ArgumentWriter.NONE))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNIMPLEMENTED))
                .hasMessageContaining("Calc.subtract");
        assertThatThrownBy(() -> start(client, changedAdd, ArgumentWriter.NONE))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.INCOMPATIBLE))
                .hasMessage("Calc.add is incompatible with the server: parameter 1 is 'a:long' here and 'a:int' there");
        // A method both sides agree on is mapped to the server's id (2), whatever its local id.
        start(client, echo, out -> out.writeString("a"));
        assertThat(ByteBufUtil.hexDump(toServer.take())).isEqualTo("02" + "00" + "02" + "0161");
    }

    @Test
    void clientRefusesAnswersForCallsNotInFlight() {
        server(Runnable::run, 8);
        ClientSession client = client();
        assertThatThrownBy(() -> client.onMessage(hex("0300" + "02")))
                .isInstanceOfSatisfying(ProtocolViolation.class, v -> assertThat(v.closeCode()).isEqualTo(1002))
                .hasMessageContaining("not in flight");
        assertThatThrownBy(() -> client.onMessage(hex("0200" + "00")))
                .isInstanceOf(ProtocolViolation.class).hasMessageContaining("client-to-server");
    }

    @Test
    void argumentWriterUsesTheTransportBuffer() {
        ByteBuf b = Unpooled.buffer();
        new ByteBufWireWriter(b).writeInt(-2);
        assertThat(ByteBufUtil.hexDump(b)).isEqualTo("03");
    }
}
