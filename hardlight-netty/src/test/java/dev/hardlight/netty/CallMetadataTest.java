package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.ClientInterceptor;
import dev.hardlight.Metadata;
import dev.hardlight.RpcException;
import dev.hardlight.ServerCall;
import dev.hardlight.ServerInterceptor;
import dev.hardlight.Status;
import dev.hardlight.internal.protocol.Frame;
import dev.hardlight.internal.protocol.Hello;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Per-call metadata and interceptors over real sockets: metadata both ways, the interceptors' order,
 * refusal before the arguments are decoded, and the limits enforced against a raw peer
 * (docs/protocol.md 3.2.1).
 */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class CallMetadataTest {
    private final AtomicInteger handlerRuns = new AtomicInteger();
    private final List<String> seen = new CopyOnWriteArrayList<>();

    /** A Counter whose increment records the metadata it sees and adds one response entry. */
    private final class Handler implements Counter {
        @Override
        public int increment(int amount) {
            handlerRuns.incrementAndGet();
            ServerCall call = ServerCall.current();
            seen.add("handler " + call.method() + " who=" + call.requestMetadata().get("who")
                    + " request-id=" + call.requestMetadata().get("request-id"));
            call.putResponseMetadata("served-by", "handler");
            return amount;
        }

        @Override
        public String fail(String kind) throws CounterException {
            handlerRuns.incrementAndGet();
            if (kind.equals("declared")) {
                throw new CounterException("no");
            }
            throw new RpcException(Status.NOT_FOUND, "not here");
        }

        @Override
        public int block(int token) {
            return token;
        }

        @Override
        public int probe(int x) {
            return x;
        }
    }

    private HardLightServer start(Consumer<ServerBuilder<Counter>> customize) {
        ServerBuilder<Counter> b = HardLight.server(Counter.class, c -> new Handler()).insecurePlaintext().bind("127.0.0.1", 0);
        customize.accept(b);
        return b.start();
    }

    private static CounterClient connect(HardLightServer server, ClientInterceptor... interceptors) {
        ClientOptions.Builder o = ClientOptions.builder().insecurePlaintext();
        for (ClientInterceptor i : interceptors) {
            o.interceptor(i);
        }
        return HardLight.connect(URI.create("ws://127.0.0.1:" + server.port() + "/hl"), o.build(), CounterClient.FACTORY);
    }

    @Test
    void metadataGoesBothWaysThroughInterceptorsInRegistrationOrder() throws Exception {
        ServerInterceptor outer = (call, next) -> {
            seen.add("outer before " + call.service() + "." + call.method() + " on " + (call.connection() != null));
            try {
                next.proceed();
            } finally {
                call.putResponseMetadata("outer", "saw it");
                seen.add("outer after");
            }
        };
        ServerInterceptor inner = (call, next) -> {
            seen.add("inner before");
            next.proceed();
            seen.add("inner after");
        };
        List<String> client = new CopyOnWriteArrayList<>();
        ClientInterceptor first = call -> {
            call.putMetadata("who", "ann");
            client.add("first start");
            return (status, failure) -> client.add("first completed " + status + " " + call.responseMetadata());
        };
        ClientInterceptor second = call -> {
            client.add("second start " + call.requestMetadata().get("who"));
            return (status, failure) -> client.add("second completed " + status);
        };
        try (HardLightServer server = start(b -> b.interceptor(outer).interceptor(inner));
             CounterClient counter = connect(server, first, second)) {
            try (Metadata.Scope s = Metadata.of("request-id", "r-1").attach()) {
                assertThat(counter.increment(5)).isEqualTo(5);
            }
            Await.until("the client's completions ran", Duration.ofSeconds(10), () -> client.size() == 4);
            assertThat(seen).containsExactly("outer before Counter.increment on true", "inner before",
                    "handler increment who=ann request-id=r-1", "inner after", "outer after");
            assertThat(client).containsExactly("first start", "second start ann", "second completed OK",
                    "first completed OK Metadata{served-by=handler, outer=saw it}");

            // Outside the scope: no request-id; a failure keeps its status and the response metadata.
            client.clear();
            seen.clear();
            assertThatThrownBy(() -> counter.fail("rpc")).isInstanceOfSatisfying(RpcException.class,
                    e -> assertThat(e.status()).isEqualTo(Status.NOT_FOUND));
            assertThatThrownBy(() -> counter.fail("declared")).isInstanceOf(CounterException.class);
            Await.until("the client's completions ran", Duration.ofSeconds(10), () -> client.size() == 8);
            assertThat(client).containsExactly("first start", "second start ann", "second completed NOT_FOUND",
                    "first completed NOT_FOUND Metadata{outer=saw it}", "first start", "second start ann",
                    "second completed APPLICATION_ERROR", "first completed APPLICATION_ERROR Metadata{outer=saw it}");
        }
    }

    @Test
    void anInterceptorRefusesBeforeTheArgumentsAreDecodedAndTheHandlerNeverRuns() throws Exception {
        ServerInterceptor auth = (call, next) -> {
            if (!"secret".equals(call.requestMetadata().get("token"))) {
                throw new RpcException(Status.UNAUTHENTICATED, "a token is needed for " + call.method());
            }
            next.proceed();
        };
        try (HardLightServer server = start(b -> b.interceptor(auth));
             CounterClient counter = connect(server)) {
            assertThatThrownBy(() -> counter.increment(1)).isInstanceOfSatisfying(RpcException.class, e -> {
                assertThat(e.status()).isEqualTo(Status.UNAUTHENTICATED);
                assertThat(e).hasMessage("a token is needed for increment");
            });
            try (Metadata.Scope s = Metadata.of("token", "secret").attach()) {
                assertThat(counter.increment(2)).isEqualTo(2);
            }
            assertThat(handlerRuns).hasValue(1);
            // Arguments that cannot be decoded are never looked at: the refusal comes first.
            try (RawPeer peer = RawPeer.upgrade(null, server.port())) {
                int increment = methodId(peer, "increment");
                peer.send(true, RawPeer.BINARY, new byte[] {0x02, 0x00, (byte) increment, (byte) 0x80});
                Frame answer = answer(peer);
                assertThat(answer).isInstanceOfSatisfying(Frame.Error.class, e -> {
                    assertThat(e.status()).isEqualTo(Status.UNAUTHENTICATED);
                });
            }
            assertThat(handlerRuns).hasValue(1);
        }
    }

    @Test
    void badMetadataFromARawPeerIsAnsweredAndTheConnectionStaysOpen() throws Exception {
        try (HardLightServer server = start(b -> {});
             RawPeer peer = RawPeer.upgrade(null, server.port())) {
            int increment = methodId(peer, "increment");
            // 33 entries: over the count limit, refused before they are read.
            ByteArrayOutputStream many = new ByteArrayOutputStream();
            many.write(new byte[] {0x0b, 0x00, (byte) increment, 33});
            for (int i = 0; i < 33; i++) {
                many.write(new byte[] {0x02, 'k', (byte) ('a' + i % 26), 0x00});
            }
            many.write(0x02);
            peer.send(true, RawPeer.BINARY, many.toByteArray());
            assertError(answer(peer), Status.RESOURCE_EXHAUSTED, "metadata over the limit: 33 entries, at most 32");
            // More than 8192 bytes in one value.
            ByteArrayOutputStream big = new ByteArrayOutputStream();
            big.write(new byte[] {0x0b, 0x01, (byte) increment, 0x01, 0x01, 'k', (byte) 0x80, 0x40});
            big.write(new byte[8192]);
            big.write(0x02);
            peer.send(true, RawPeer.BINARY, big.toByteArray());
            assertError(answer(peer), Status.RESOURCE_EXHAUSTED, "metadata over the limit: more than 8192 bytes");
            // An upper-case key; a repeated key; a string value that is not UTF-8.
            peer.send(true, RawPeer.BINARY, hex("0b 02" + String.format("%02x", increment) + "01 014b 0178 02"));
            assertError(answer(peer), Status.INVALID_ARGUMENT, "bad metadata: key 'K'");
            peer.send(true, RawPeer.BINARY, hex("0b 03" + String.format("%02x", increment) + "02 016b 0178 016b 0179 02"));
            assertError(answer(peer), Status.INVALID_ARGUMENT, "bad metadata: key 'k' repeated");
            peer.send(true, RawPeer.BINARY, hex("0b 04" + String.format("%02x", increment) + "01 016b 02c328 02"));
            assertError(answer(peer), Status.INVALID_ARGUMENT, "bad metadata: ");
            assertThat(handlerRuns).as("no handler ran").hasValue(0);
            // The connection still works, with and without metadata.
            peer.send(true, RawPeer.BINARY, hex("0b 05" + String.format("%02x", increment) + "01 03 77686f 03 626f62 0e"));
            assertThat(answer(peer)).isEqualTo(new Frame.ResultMeta(5, Metadata.of("served-by", "handler"), new byte[] {0x0e}));
            assertThat(seen).containsExactly("handler increment who=bob request-id=null");
        }
    }

    @Test
    void aCallWithoutMetadataIsAnsweredWithTheOldBytesWhenNoMetadataIsAdded() throws Exception {
        ServerInterceptor noop = (call, next) -> next.proceed();
        try (HardLightServer server = HardLight.server(Counter.class, c -> new CounterHandler(new CounterHandler.Probe(1),
                        new java.util.concurrent.CountDownLatch(0), new java.util.concurrent.CountDownLatch(0)))
                .insecurePlaintext().bind("127.0.0.1", 0).interceptor(noop).start();
             RawPeer peer = RawPeer.upgrade(null, server.port())) {
            int increment = methodId(peer, "increment");
            peer.send(true, RawPeer.BINARY, new byte[] {0x02, 0x05, (byte) increment, 0x02});
            RawPeer.Frame f = peer.read();
            assertThat(f.payload()).containsExactly(0x03, 0x05, 0x02); // frame-result, byte for byte
        }
    }

    @Test
    void aCallWaitingForTheReconnectCarriesTheMetadataAttachedWhenItWasMade() throws Exception {
        ServerInterceptor passThrough = (call, next) -> next.proceed();
        HardLightServer a = start(b -> b.interceptor(passThrough));
        int port = a.port();
        ReconnectPolicy fast = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(50)).maxDelay(Duration.ofMillis(200)).build();
        HardLightServer b = null;
        try (CounterClient counter = HardLight.connect(URI.create("ws://127.0.0.1:" + port + "/hl"),
                ClientOptions.builder().insecurePlaintext().reconnect(fast).build(), CounterClient.FACTORY)) {
            assertThat(counter.increment(1)).isEqualTo(1);
            a.close();
            Await.until("the client lost its connection", Duration.ofSeconds(10), () -> !counter.channel().isOpen());
            java.util.concurrent.CompletableFuture<Integer> waiting;
            try (Metadata.Scope s = Metadata.of("who", "carol").attach()) {
                waiting = counter.incrementAsync(7); // no connection: it waits on another thread
            }
            b = HardLight.server(Counter.class, c -> new Handler()).insecurePlaintext().bind("127.0.0.1", port)
                    .interceptor(passThrough).start();
            assertThat(waiting.get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(7);
            assertThat(seen).containsExactly("handler increment who=null request-id=null",
                    "handler increment who=carol request-id=null");
        } finally {
            a.close();
            if (b != null) {
                b.close();
            }
        }
    }

    private static byte[] hex(String s) {
        return ByteBufUtil.decodeHexDump(s.replace(" ", ""));
    }

    /** Reads the HELLO and returns the id of {@code method}. */
    private static int methodId(RawPeer peer, String method) throws Exception {
        assertThat(peer.status).isEqualTo(101);
        RawPeer.Frame f = peer.read();
        Hello hello = ((Frame.HelloFrame) Frame.decode(Unpooled.wrappedBuffer(f.payload()))).hello();
        return hello.methods().stream().filter(m -> m.name().equals(method)).findFirst().orElseThrow().id();
    }

    private static Frame answer(RawPeer peer) throws Exception {
        RawPeer.Frame f = peer.read();
        assertThat(f).as("an answer").isNotNull();
        assertThat(f.opcode()).as(new String(f.payload(), StandardCharsets.ISO_8859_1)).isEqualTo(RawPeer.BINARY);
        return Frame.decode(Unpooled.wrappedBuffer(f.payload()));
    }

    private static void assertError(Frame frame, Status status, String messageStart) {
        assertThat(frame).isInstanceOfSatisfying(Frame.Error.class, e -> {
            assertThat(e.status()).isEqualTo(status);
            assertThat(e.message()).startsWith(messageStart);
        });
    }
}
