package dev.hardlight.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.hardlight.internal.protocol.SessionPair.start;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.codec.Codec;
import dev.hardlight.codec.Codecs;
import dev.hardlight.codec.WireReader;
import dev.hardlight.service.DeclaredError;
import dev.hardlight.service.EventDescriptor;
import dev.hardlight.service.MethodDescriptor;
import dev.hardlight.service.ServiceDescriptor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One test per row of the table "Malformed and hostile input" in {@code docs/protocol.md} (section 4.1)
 * that the core handles; the test names follow the rows. Rows marked "transport" are tested in
 * {@code hardlight-netty}.
 */
class HostileInputTest {
    private MemoryPipe toServer = new MemoryPipe();
    private MemoryPipe toClient = new MemoryPipe();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger handlerRuns = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        threads.close();
    }

    // ---- contracts ------------------------------------------------------------------------------

    /** Handler of {@link #SHAPES}: the dispatcher does the decoding; the handler only counts runs. */
    interface Shapes {
        void ran();
    }

    /** paint(Color) with a 3-constant enum; nest(Node) with a recursive sealed Node; sum(List<Integer>). */
    private static final ServiceDescriptor<Shapes> SHAPES = new ServiceDescriptor<>(Shapes.class, "Shapes",
            Calc.sha256("shapes"), "shapes", List.of(
                    new MethodDescriptor<>(0, "paint", 1L, Codecs.VOID, List.of()),
                    new MethodDescriptor<>(1, "nest", 2L, Codecs.VOID, List.of()),
                    new MethodDescriptor<>(2, "sum", 3L, Codecs.VOID, List.of())),
            (h, methodId, in, out) -> {
                switch (methodId) {
                    case 0 -> {
                        int ordinal = in.readVarInt();
                        if (ordinal >= 3) {
                            throw WireReader.unknownConstant("Color", ordinal);
                        }
                    }
                    case 1 -> readNode(in);
                    case 2 -> Codecs.list(Codecs.INT).decode(in);
                    default -> throw new IllegalStateException();
                }
                in.endArguments();
                h.ran();
            });

    /** sealed Node permits Leaf(), Pair(Node, Node): tag, length, content, as generated codecs read it. */
    private static void readNode(WireReader in) {
        int tag = in.readVarInt();
        int limit = in.beginRecord();
        switch (tag) {
            case 0 -> {}
            case 1 -> {
                readNode(in);
                readNode(in);
            }
            default -> throw WireReader.unknownSubtype("Node", tag);
        }
        in.endRecord(limit);
    }

    /** The hex of a chain of {@code pairs} Pair(Pair(...(Leaf, Leaf)...), Leaf) nodes. */
    private static String nested(int pairs) {
        if (pairs == 0) {
            return "0000";
        }
        String content = nested(pairs - 1) + "0000";
        int length = content.length() / 2;
        String varint = length < 128 ? String.format("%02x", length)
                : String.format("%02x%02x", (length & 0x7f) | 0x80, length >>> 7);
        return "01" + varint + content;
    }

    private final Calc calc = new Calc() {
        @Override
        public int add(int a, int b) {
            handlerRuns.incrementAndGet();
            return a + b;
        }

        @Override
        public void check(String s) {
            handlerRuns.incrementAndGet();
        }

        @Override
        public String echo(String s) {
            handlerRuns.incrementAndGet();
            return s;
        }

        @Override
        public int await() throws InterruptedException {
            release.await();
            return 42;
        }
    };

    /** Calc with a connection state and events, so the client reads every server-to-client frame. */
    private static final ServiceDescriptor<Calc> FULL = new ServiceDescriptor<>(Calc.class, "Calc", Calc.sha256("full"),
            "full", Calc.DESCRIPTOR.methods(), Calc.DISPATCHER, CalcState.CODEC,
            new EventDescriptor<>(String.class, Codecs.STRING, 0xE7L));

    private ServerSession<Calc> calcServer() {
        ServerSession<Calc> s = new ServerSession<>(Calc.DESCRIPTOR, calc, toClient, threads, 8, 1 << 20, "");
        s.start();
        toClient.take();
        return s;
    }

    /** A Calc server running its handlers inline, so answers come in the order of the calls. */
    private ServerSession<Calc> directCalcServer() {
        ServerSession<Calc> s = new ServerSession<>(Calc.DESCRIPTOR, calc, toClient, Runnable::run, 8, 1 << 20, "");
        s.start();
        toClient.take();
        return s;
    }

    private ServerSession<Shapes> shapesServer() {
        ServerSession<Shapes> s = new ServerSession<>(SHAPES, handlerRuns::incrementAndGet, toClient, Runnable::run, 8, 1 << 20, "");
        s.start();
        toClient.take();
        return s;
    }

    /**
     * A client of {@link #FULL} after a valid HELLO, with call 0 (echo) in flight: the client of a
     * {@link SessionPair} whose pipes become this test's; the test plays the hostile server by hand.
     */
    private ClientSession fullClient() {
        SessionPair<Calc> pair = SessionPair.connectedInline(FULL, calc, 8, null);
        toServer = pair.toServer;
        toClient = pair.toClient;
        start(pair.client, Calc.ECHO, out -> out.writeString("a"));
        toServer.take();
        return pair.client;
    }

    private static ByteBuf buf(byte[] b) {
        return Unpooled.wrappedBuffer(b);
    }

    private static ByteBuf hex(String hex) {
        return buf(ByteBufUtil.decodeHexDump(hex.replace(" ", "")));
    }

    private static void assertClose(Runnable onMessage, int code, String reason) {
        assertThatThrownBy(onMessage::run)
                .isInstanceOfSatisfying(ProtocolViolation.class, v -> assertThat(v.closeCode()).isEqualTo(code))
                .hasMessageContaining(reason);
    }

    private void assertServerCloses(ServerSession<?> server, String frame, int code, String reason) {
        assertClose(() -> server.onMessage(hex(frame)), code, reason);
    }

    private void assertClientCloses(ClientSession client, String frame, String reason) {
        assertClose(() -> client.onMessage(hex(frame)), ProtocolViolation.PROTOCOL_ERROR, reason);
    }

    /** Sends a CALL to a direct-executor server and checks its one answer is the expected ERROR. */
    private void assertAnswered(ServerSession<?> server, String call, Status status, String messageStart) {
        server.onMessage(hex(call));
        Frame.Error e = (Frame.Error) Frame.decode(buf(toClient.take()));
        assertThat(e.status()).as(call).isEqualTo(status);
        assertThat(e.message()).as(call).startsWith(messageStart);
        assertThat(server.inFlight()).isZero();
    }

    // ---- rows -----------------------------------------------------------------------------------

    @Test
    void emptyMessage() {
        assertServerCloses(calcServer(), "", 1002, "empty message");
        assertClientCloses(fullClient(), "", "empty message");
    }

    @Test
    void unknownFrameType() {
        ServerSession<Calc> server = calcServer();
        ClientSession client = fullClient();
        for (String type : List.of("00", "10", "7f", "ff")) {
            assertServerCloses(server, type + "00", 1002, "unknown frame type 0x");
            assertClientCloses(client, type + "00", "unknown frame type 0x");
        }
    }

    @Test
    void wrongDirectionType() {
        ServerSession<Calc> server = calcServer();
        for (String frame : List.of("0100", "030002", "0400000000", "060100", "0700", "0800", "090161", "0a01")) {
            assertClose(() -> server.onMessage(hex(frame)), 1002, "");
        }
        assertServerCloses(server, "030002", 1002, "RESULT is a server-to-client frame");
        assertServerCloses(server, "0a01", 1002, "EVENTS_MISSED is a server-to-client frame");
        assertServerCloses(server, "0c00 01 0161 0162", 1002, "RESULT_META is a server-to-client frame");
        assertServerCloses(server, "0d00 01 0161 0162 0d00 00", 1002, "ERROR_META is a server-to-client frame");
        assertServerCloses(server, "0e 0161 01 0161 0162 0178", 1002, "EVENT_META is a server-to-client frame");
        ClientSession client = fullClient();
        assertClientCloses(client, "0b050000", "CALL_META is a client-to-server frame");
        assertClientCloses(client, "02050000", "CALL is a client-to-server frame");
        assertClientCloses(client, "0500", "CANCEL is a client-to-server frame");
    }

    @Test
    void truncatedHeader() {
        ServerSession<Calc> server = calcServer();
        assertServerCloses(server, "02", 1002, "truncated varint");
        assertServerCloses(server, "0205", 1002, "truncated varint");
        assertServerCloses(server, "0580", 1002, "truncated varint");
        ClientSession client = fullClient();
        assertClientCloses(client, "03", "truncated varint");
        assertClientCloses(client, "040001", "ERROR");
    }

    @Test
    void badVarintOverlong() {
        assertServerCloses(calcServer(), "02 8000 00", 1002, "overlong varint");
        assertClientCloses(fullClient(), "03 8000 02", "overlong varint");
    }

    @Test
    void badVarintTooLong() {
        assertServerCloses(calcServer(), "02 8080808080 00", 1002, "varint");
    }

    @Test
    void badVarintBeyond31Bits() {
        ServerSession<Calc> server = calcServer();
        assertServerCloses(server, "02 8080808008 00", 1002, "exceeds 31 bits"); // 2^31
        assertServerCloses(server, "02 00 ffffffff0f", 1002, "exceeds 31 bits"); // method id 2^32 - 1
        assertServerCloses(server, "02 ffffffff7f 00", 1002, "exceeds 31 bits"); // beyond 32 bits too: still "31"
    }

    @Test
    void callIdBeyondLimit() {
        ServerSession<Calc> server = calcServer();
        assertServerCloses(server, "02 08 00 0204", 1008, "beyond the negotiated in-flight limit 8");
        assertServerCloses(server, "05 08", 1008, "beyond the negotiated in-flight limit 8");
    }

    @Test
    void duplicateCallIdInFlight() {
        ServerSession<Calc> server = calcServer();
        server.onMessage(hex("02 04 03")); // await(), stays in flight
        assertServerCloses(server, "02 04 00 0204", 1008, "duplicate call id 4");
    }

    @Test
    void unknownMethodId() {
        assertAnswered(calcServer(), "02 01 09", Status.UNIMPLEMENTED, "unknown method id 9");
    }

    @Test
    void undecodableArguments() {
        ServerSession<Shapes> server = shapesServer();
        assertAnswered(server, "02 00 02 0202", Status.INVALID_ARGUMENT, "cannot decode the arguments of sum: "); // list of 1, then 1 int of 2
        assertAnswered(server, "02 00 00", Status.INVALID_ARGUMENT, "cannot decode the arguments of paint: malformed message: truncated varint");
        assertThat(handlerRuns).hasValue(0);
    }

    /** "61" = "a": a metadata entry "a" = "b" is {@code 0161 0162}. */
    @Test
    void badCallMetadata() {
        ServerSession<Calc> server = calcServer();
        String echoA = " 0161"; // echo("a")
        assertAnswered(server, "0b 00 02 00" + echoA, Status.INVALID_ARGUMENT, "bad metadata: count 0");
        assertAnswered(server, "0b 00 02 01 0141" + " 0162" + echoA, Status.INVALID_ARGUMENT, "bad metadata: key 'A'");
        assertAnswered(server, "0b 00 02 01 00 0162" + echoA, Status.INVALID_ARGUMENT, "bad metadata: empty key");
        assertAnswered(server, "0b 00 02 02 0161 0162 0161 0163" + echoA, Status.INVALID_ARGUMENT,
                "bad metadata: key 'a' repeated");
        assertAnswered(server, "0b 00 02 01 0161 02c328" + echoA, Status.INVALID_ARGUMENT, "bad metadata: ");
        assertAnswered(server, "0b 00 02 02 0161 0162", Status.INVALID_ARGUMENT, "bad metadata: ");
        assertThat(handlerRuns).as("the handler never runs").hasValue(0);
        // A binary key's value may be any bytes; the call then runs.
        server.onMessage(hex("0b 00 02 01 05612d62696e 02c328" + echoA));
        assertThat(Frame.decode(buf(toClient.take()))).isEqualTo(new Frame.Result(0, new byte[] {0x01, 0x61}));
        assertThat(handlerRuns).hasValue(1);
    }

    @Test
    void callMetadataOverTheLimits() {
        ServerSession<Calc> server = calcServer();
        StringBuilder entries = new StringBuilder();
        for (int i = 0; i < 33; i++) {
            entries.append(String.format("02 61%02x 00", 0x61 + i % 26)); // never read: the count is refused first
        }
        assertAnswered(server, "0b 00 02 21 " + entries + " 0161", Status.RESOURCE_EXHAUSTED,
                "metadata over the limit: 33 entries, at most 32");
        String big = "61".repeat(8192);
        assertAnswered(server, "0b 00 02 01 0161 8040 " + big + " 0161", Status.RESOURCE_EXHAUSTED,
                "metadata over the limit: more than 8192 bytes");
        assertThat(handlerRuns).hasValue(0);
        // Exactly at the limit: runs.
        String fits = "61".repeat(8191);
        server.onMessage(hex("0b 00 02 01 0161 ff3f " + fits + " 0161"));
        assertThat(Frame.decode(buf(toClient.take()))).isEqualTo(new Frame.Result(0, new byte[] {0x01, 0x61}));
    }

    @Test
    void badResponseMetadata() {
        ClientSession client = fullClient(); // call 0 in flight
        CompletableFuture<Object> second = start(client, Calc.ECHO, out -> out.writeString("b")); // call 1
        toServer.take();
        client.onMessage(hex("0c 00 01 0141 0162 0178")); // key 'A'
        client.onMessage(hex("0d 01 00 0d 00 00")); // count 0
        assertThat(client.inFlight()).as("both ids are free; the connection stays usable").isZero();
        CompletableFuture<Object> third = start(client, Calc.ECHO, out -> out.writeString("c"));
        int id = ((Frame.Call) Frame.decode(buf(toServer.take()))).callId();
        client.onMessage(hex(String.format("0c %02x 01 0161 0162 0178", id)));
        assertThat(third.join()).isEqualTo("x");
        assertThat(((ClientSession.PendingCall) third).responseMetadata()).isEqualTo(dev.hardlight.Metadata.of("a", "b"));
        assertThatThrownBy(second::join).cause()
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.PROTOCOL_ERROR))
                .hasMessageStartingWith("bad response metadata for echo: bad metadata: count 0");
    }

    @Test
    void trailingBytesAfterArguments() {
        // A newer client's appended parameters: skipped, and the call runs.
        ServerSession<Shapes> server = shapesServer();
        server.onMessage(hex("02 00 00 01 ff"));
        assertThat(Frame.decode(buf(toClient.take()))).isEqualTo(new Frame.Result(0, new byte[0]));
        assertThat(handlerRuns).hasValue(1);
    }

    @Test
    void invalidUtf8InArguments() {
        ServerSession<Calc> server = new ServerSession<>(Calc.DESCRIPTOR, calc, toClient, Runnable::run, 8, 1 << 20, "");
        server.start();
        toClient.take();
        for (String s : List.of("02 c328", "02 c0af", "03 eda080", "01 80")) { // bad continuation, overlong, surrogate, lone
            assertAnswered(server, "02 00 02 " + s, Status.INVALID_ARGUMENT, "cannot decode the arguments of echo");
        }
        assertThat(handlerRuns).hasValue(0);
    }

    @Test
    void badSealedOrEnumTag() {
        ServerSession<Shapes> server = shapesServer();
        assertAnswered(server, "02 00 00 03", Status.INVALID_ARGUMENT, "cannot decode the arguments of paint: malformed message: unknown ordinal 3 of enum Color");
        assertAnswered(server, "02 00 01 02 00", Status.INVALID_ARGUMENT, "cannot decode the arguments of nest: malformed message: unknown tag 2 of sealed Node");
        assertAnswered(server, "02 00 01 01 05 00", Status.INVALID_ARGUMENT, "cannot decode the arguments of nest: malformed message: truncated: a value of 5 bytes with 1 bytes left");
        assertThat(handlerRuns).hasValue(0);
    }

    @Test
    void collectionCountLargerThanTheMessage() {
        assertAnswered(shapesServer(), "02 00 02 ffffff07 02", Status.INVALID_ARGUMENT, "cannot decode the arguments of sum: malformed message: count 16777215 exceeds");
        assertThat(handlerRuns).hasValue(0);
    }

    @Test
    void nestingDeeperThan64() {
        ServerSession<Shapes> server = shapesServer();
        assertAnswered(server, "02 00 01 " + nested(64), Status.INVALID_ARGUMENT,
                "cannot decode the arguments of nest: malformed message: values nested deeper than 64");
        server.onMessage(hex("02 00 01 " + nested(63))); // 64 deep is fine
        assertThat(Frame.decode(buf(toClient.take()))).isEqualTo(new Frame.Result(0, new byte[0]));
        assertThat(handlerRuns).hasValue(1);
    }

    @Test
    @org.junit.jupiter.api.Timeout(10)
    void batchedFramesAreHandledInOrderAsIfAlone() {
        ServerSession<Calc> server = directCalcServer();
        assertThat(server.peerBatches()).isFalse();
        // add(1, 2) as call 0, echo("a") as call 1, an unknown method as call 2: three answers, in order.
        server.onMessage(hex("0f 03 05 0200000204 05 0201020161 03 020209"));
        assertThat(Frame.decode(buf(toClient.take()))).isEqualTo(new Frame.Result(0, new byte[] {0x06}));
        assertThat(Frame.decode(buf(toClient.take()))).isEqualTo(new Frame.Result(1, new byte[] {0x01, 0x61}));
        assertThat(((Frame.Error) Frame.decode(buf(toClient.take()))).status()).isEqualTo(Status.UNIMPLEMENTED);
        assertThat(server.peerBatches()).isTrue();
        assertThat(server.inFlight()).isZero();

        ClientSession client = fullClient(); // call 0 (echo) in flight
        client.onMessage(hex("0f 02 04 08010161 04 03000162"));
        assertThat(client.features()).containsExactly("a");
        assertThat(client.inFlight()).isZero();
    }

    @Test
    @org.junit.jupiter.api.Timeout(10)
    void malformedBatch() {
        ServerSession<Calc> server = directCalcServer();
        assertServerCloses(server, "0f", 1002, "truncated varint");
        assertServerCloses(server, "0f 00", 1002, "BATCH: count 0 (at least 2)");
        assertServerCloses(server, "0f 01 02 0500", 1002, "BATCH: count 1 (at least 2)");
        assertServerCloses(server, "0f 8102" + "02 0500".repeat(257), 1002, "BATCH: count 257 over the limit 256");
        assertServerCloses(server, "0f 02 02 0500 09 0500", 1002, "BATCH: frame 1 overruns the message");
        assertServerCloses(server, "0f 02 02 0500 02 0500 00", 1002, "BATCH: trailing bytes");
        assertServerCloses(server, "0f 02 02 0500 05 0f02010501", 1002, "BATCH: BATCH inside a BATCH");
        assertServerCloses(server, "0f 02 02 0500 01 01", 1002, "BATCH: HELLO inside a BATCH");
        // Structure checked first: the valid add(1, 2) before the nested BATCH was never run.
        assertServerCloses(server, "0f 02 05 0200000204 03 0f0000", 1002, "BATCH inside a BATCH");
        assertThat(toClient.frames).isEmpty();
        // An inner frame malformed in itself fails as alone, after the frames before it were handled.
        assertServerCloses(server, "0f 02 05 0200000204 00", 1002, "empty message");
        assertThat(Frame.decode(buf(toClient.take()))).isEqualTo(new Frame.Result(0, new byte[] {0x06}));
        assertServerCloses(server, "0f 02 02 0500 03 030002", 1002, "RESULT is a server-to-client frame");
        assertServerCloses(server, "0f 02 02 0500 03 020800", 1008, "beyond the negotiated in-flight limit 8");
        // An inner CALL with bad arguments is answered, as alone; the connection stays usable.
        server.onMessage(hex("0f 02 02 0500 03 020000"));
        assertThat(((Frame.Error) Frame.decode(buf(toClient.take()))).status()).isEqualTo(Status.INVALID_ARGUMENT);
        assertThat(server.inFlight()).isZero();

        ClientSession client = fullClient();
        assertClientCloses(client, "0f 01 02 0a01", "BATCH: count 1 (at least 2)");
        assertClientCloses(client, "0f 02 02 0a01 05 0f02010a01", "BATCH: BATCH inside a BATCH");
        assertClientCloses(client, "0f 02 02 0a01 02 0500", "CANCEL is a client-to-server frame");
        assertClientCloses(client, "0f 02 02 0a01 07 0a01", "BATCH: frame 1 overruns the message");
    }

    @Test
    void malformedStateDelta() {
        ClientSession client = fullClient();
        for (String delta : List.of("06 00", "06 03 0002 0102 0000", "06 02 0102 0002", "06 01 01 05 68", "06 01 00", "06 01 00 02 ff")) {
            assertClientCloses(client, delta, "STATE_DELTA");
        }
        assertThat(client.state()).isEqualTo(new CalcState(0, ""));
    }

    @Test
    void unknownEventCaseIsSkippedAndCounted() throws InterruptedException {
        // enum Mood { CALM, BUSY } here; a newer server sends ordinal 2, which no @Fallback covers
        Codec<Object> mood = Codecs.of((out, v) -> out.writeVarInt((Integer) v), in -> {
            int ordinal = in.readVarInt();
            if (ordinal >= 2) {
                throw WireReader.unknownConstant("Mood", ordinal);
            }
            return ordinal;
        });
        ServiceDescriptor<Calc> moods = new ServiceDescriptor<>(Calc.class, "Calc", Calc.sha256("moods"), "moods",
                Calc.DESCRIPTOR.methods(), Calc.DISPATCHER, null, new EventDescriptor<>(Object.class, mood, 0xE8L));
        new ServerSession<>(moods, calc, toClient, Runnable::run, 8, 1 << 20, "").start();
        ClientSession client = new ClientSession(moods, toServer, 8, "");
        client.onMessage(buf(toClient.take()));
        client.onMessage(hex("07 0161 02"));
        client.onMessage(hex("07 0161 01"));
        assertThat(client.events().skippedUnknown()).isEqualTo(1);
        assertThat(client.events().size()).isEqualTo(1);
        assertThat(client.events().take().value()).isEqualTo(1);
        assertClientCloses(client, "07 0161 01 00", "EVENT"); // other malformed payloads still close
    }

    @Test
    void helloSchemaMustMatchItsFingerprint() {
        Hello hello = new Hello(1, "Calc", Calc.sha256("service Calc\n"), 8, 1 << 20, List.of(),
                List.of(new Hello.Extension(4, "service Other\n".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        ByteBuf frame = Unpooled.buffer();
        new Frame.HelloFrame(hello).encode(frame);
        ClientSession client = new ClientSession(Calc.DESCRIPTOR, toServer, 8, "");
        assertClientCloses(client, ByteBufUtil.hexDump(frame), "HELLO schema does not match its fingerprint");
    }

    @Test
    void stateDeltaSkipsTheComponentsANewerServerAppended() {
        ClientSession client = fullClient();
        // counter = 3, then field 5 (unknown here) and whatever follows it: applied up to it, the rest ignored
        client.onMessage(hex("06 03 00 06 05 02 07 ffff"));
        assertThat(client.state()).isEqualTo(new CalcState(3, ""));
    }

    @Test
    void malformedFeatures() {
        ClientSession client = fullClient();
        for (String features : List.of("08 02 0162 0161", "08 02 0161 0161", "08 01 0120", "08 01", "08 00 00")) {
            assertClientCloses(client, features, "FEATURES");
        }
        assertThat(client.features()).isEmpty();
    }

    @Test
    void malformedEvent() {
        ClientSession client = fullClient();
        assertClientCloses(client, "07 8108", "EVENT: malformed message: topic of 1025 bytes");
        assertClientCloses(client, "07 0161 05 68", "EVENT");
        assertClientCloses(client, "07 0161 0168 ff", "EVENT");
        assertThat(client.events().size()).isZero();
    }

    @Test
    void badEventMetadata() {
        ClientSession client = fullClient();
        // count 0, a bad key ('A'), a repeated key, truncated, a string value not UTF-8, over 32 entries
        for (String frame : List.of("0e 0161 00 0178", "0e 0161 01 0141 0162 0178", "0e 0161 02 0161 0162 0161 0163 0178",
                "0e 0161 01 0161", "0e 0161 01 0161 01ff 0178", "0e 0161 21 0161 0162")) {
            assertClientCloses(client, frame, "EVENT_META: ");
        }
        assertClientCloses(client, "0e 0161 00 0178", "EVENT_META: bad metadata: count 0");
        assertClientCloses(client, "0e 0161 21 0161 0162", "EVENT_META: metadata over the limit: 33 entries");
        assertThat(client.events().size()).as("nothing delivered").isZero();
    }

    @Test
    void eventMetadataIsDeliveredWithTheEvent() throws InterruptedException {
        ClientSession client = fullClient();
        client.onMessage(hex("0e 0161 01 0161 0162 0178"));
        client.onMessage(hex("07 0161 0179"));
        dev.hardlight.Event<Object> first = client.events().take();
        assertThat(first.value()).isEqualTo("x");
        assertThat(first.metadata()).isEqualTo(dev.hardlight.Metadata.of("a", "b"));
        dev.hardlight.Event<Object> second = client.events().take();
        assertThat(second.value()).isEqualTo("y");
        assertThat(second.metadata().isEmpty()).isTrue();
    }

    @Test
    void malformedEventsMissed() {
        ClientSession client = fullClient();
        for (String frame : List.of("0a 00", "0a", "0a 01 00", "0a 80")) {
            assertClientCloses(client, frame, "EVENTS_MISSED");
        }
        // a count is 31 bits (protocol.md 1): 2^31 is malformed, 2^31-1 is taken
        assertClientCloses(client, "0a 8080808008", "EVENTS_MISSED: malformed message: varint exceeds 31 bits");
        client.onMessage(hex("0a ffffffff07"));
    }

    @Test
    void malformedGoAway() {
        ClientSession client = fullClient();
        for (String frame : List.of("09", "09 05 6869", "09 01 61 00", "09 02 c328")) {
            assertClientCloses(client, frame, "GO_AWAY");
        }
        assertThat(client.goAwayReason()).isNull();
    }

    @Test
    void secondGoAway() {
        ClientSession client = fullClient();
        client.onMessage(hex("09 0161"));
        assertClientCloses(client, "09 0162", "second GO_AWAY");
        assertThat(client.goAwayReason()).isEqualTo("a");
    }

    @Test
    void answerForIdNotInFlight() {
        ClientSession client = fullClient();
        assertClientCloses(client, "03 01 02", "RESULT for call id 1 not in flight");
        assertClientCloses(client, "04 07 0d 00 00", "ERROR for call id 7 not in flight");
        assertClientCloses(client, "03 ffff03 02", "not in flight"); // beyond the limit
        client.onMessage(hex("03 00 0161"));
        assertClientCloses(client, "03 00 0161", "RESULT for call id 0 not in flight"); // answered twice
    }

    @Test
    void undecodableResultValue() {
        ClientSession client = fullClient();
        CompletableFuture<Object> call = start(client, Calc.ECHO, out -> out.writeString("b")); // call 1
        client.onMessage(hex("03 01 05 68")); // string of 5 bytes, 1 present
        assertThatThrownBy(call::join).cause()
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.PROTOCOL_ERROR))
                .hasMessageStartingWith("cannot decode the result of echo");
        assertThat(client.inFlight()).as("the connection stays usable").isEqualTo(1);
    }

    /**
     * An ERROR_META whose metadata is fine but whose rest is malformed: a violation, and the call fails
     * with the connection. (The call used to leave its slot when the metadata was read, so the close,
     * failing what was still in the slots, missed it: it stayed pending for ever.)
     */
    @Test
    void answerWithMetadataMalformedAfterItsMetadataFailsTheCallWithTheConnection() {
        ClientSession client = fullClient(); // call 0 in flight
        CompletableFuture<Object> second = start(client, Calc.ECHO, out -> out.writeString("b")); // call 1
        toServer.take();
        assertClientCloses(client, "0d 01 01 0161 0162 02", "ERROR"); // status 2, then no message
        assertThat(client.inFlight()).as("both calls are still the connection's to fail").isEqualTo(2);
        client.onClosed(new RpcException(Status.CONNECTION_LOST, "closed: the server broke the protocol"));
        assertThat(second).isCompletedExceptionally();
        assertThatThrownBy(second::join).cause()
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.CONNECTION_LOST));
    }

    /**
     * A declared exception whose constructor throws (an application's bug) still fails the call, with
     * the ERROR's status and message, the constructor's failure attached: the call is out of its slot.
     */
    @Test
    void aDeclaredExceptionThatCannotBeBuiltStillFailsTheCall() {
        MethodDescriptor<Void> check = new MethodDescriptor<>(1, "check", 0x2222L, Codecs.VOID,
                List.of(new DeclaredError(Calc.CalcException.class, m -> {
                    throw new IllegalStateException("cannot build it");
                })));
        ServiceDescriptor<Calc> contract = new ServiceDescriptor<>(Calc.class, "Calc", Calc.sha256("full"), "full",
                List.of(Calc.ADD, check, Calc.ECHO, Calc.AWAIT), Calc.DISPATCHER, CalcState.CODEC,
                new EventDescriptor<>(String.class, Codecs.STRING, 0xE7L));
        SessionPair<Calc> pair = SessionPair.connectedInline(contract, calc, 8, null);
        toServer = pair.toServer;
        toClient = pair.toClient;
        CompletableFuture<Object> call = start(pair.client, check, out -> out.writeString("x"));
        toServer.take();
        pair.client.onMessage(hex("04 00 14 0162 01")); // APPLICATION_ERROR "b", declared exception #1
        assertThatThrownBy(call::join).cause()
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.APPLICATION_ERROR))
                .hasMessage("b").satisfies(e -> assertThat(e.getSuppressed()).singleElement()
                        .satisfies(t -> assertThat(t).hasMessage("cannot build it")));
        assertThat(pair.client.inFlight()).isZero();
    }

    @Test
    void malformedError() {
        ClientSession client = fullClient();
        assertClientCloses(client, "04 00 0d 05 6869 00", "ERROR");
        assertClientCloses(client, "04 00 0d 00 00 00", "ERROR: malformed message: 1 unexpected trailing bytes");
    }

    @Test
    void errorWithUnknownStatusOrDeclaredIndex() {
        ClientSession client = fullClient();
        CompletableFuture<Object> call = start(client, Calc.CHECK, out -> out.writeString("x")); // call 1
        client.onMessage(hex("04 00 63 0161 00")); // status 99 from a newer peer
        client.onMessage(hex("04 01 14 0162 09")); // declared exception #9 of a method with one
        assertThatThrownBy(call::join).cause()
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.APPLICATION_ERROR))
                .hasMessage("b");
        assertThat(client.inFlight()).isZero();
    }

    @Test
    void malformedCancel() {
        ServerSession<Calc> server = calcServer();
        assertServerCloses(server, "05 00 00", 1002, "CANCEL: trailing bytes");
        server.onMessage(hex("05 03")); // not in flight: crossed its answer, ignored
        assertThat(toClient.frames).isEmpty();
    }

    @Test
    void secondHello() {
        ClientSession client = fullClient();
        new ServerSession<>(FULL, calc, toClient, Runnable::run, 8, 1 << 20, "").start();
        assertClose(() -> client.onMessage(buf(toClient.take())), 1002, "second HELLO");
    }

    @Test
    void firstFrameNotAValidHello() {
        assertClose(() -> new ClientSession(FULL, toServer, 8, "").onMessage(hex("03 00 02")), 1002,
                "expected HELLO as the first frame, got RESULT");
        assertClose(() -> new ClientSession(FULL, toServer, 8, "").onMessage(hex("01 01 04 4361")), 1002, "HELLO");
        ServerSession<Calc> server = new ServerSession<>(FULL, calc, toClient, Runnable::run, 8, 1 << 20, "");
        server.start();
        byte[] hello = toClient.take();
        hello[1] = 2; // version 2
        assertClose(() -> new ClientSession(FULL, toServer, 8, "").onMessage(buf(hello)), 1002,
                "server speaks protocol version 2, this client 1");
    }

    @Test
    void messageBufferIsNeverLeaked() {
        ServerSession<Calc> server = new ServerSession<>(Calc.DESCRIPTOR, calc, toClient, Runnable::run, 8, 1 << 20, "");
        server.start();
        for (String frame : List.of("02 00 00 0204", "02 01 00 02", "02 02 09", "05 00", "0280", "")) {
            ByteBuf msg = hex(frame);
            try {
                server.onMessage(msg);
            } catch (ProtocolViolation expected) {
                // the connection would close; the buffer must still be the caller's alone
            }
            assertThat(msg.refCnt()).as(frame).isEqualTo(1);
        }
        assertThat(server.inFlight()).isZero();
    }
}
