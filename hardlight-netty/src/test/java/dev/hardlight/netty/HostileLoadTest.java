package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.internal.codec.ByteBufWireWriter;
import dev.hardlight.internal.protocol.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile load on the transport (issue 20), each attack on raw loopback sockets, bounded in count
 * and time, while a well-behaved client keeps calling ({@link HostileLoad.Watch}); afterwards the
 * server's connections and direct memory return to their baseline. Cases: frames coalesced with the
 * upgrade request (2), malformed close frames (3), upgrade refusals per the §1 table (6).
 */
@ExtendWith(LeakDetection.class)
@Timeout(60)
class HostileLoadTest {
    /** A bystander's call may wait this long at most while an attack runs (generous: the machine is shared). */
    private static final Duration BOUND = Duration.ofSeconds(2);
    private static final long SLACK = 32L << 20;

    static HardLightServer plain;
    static HardLightServer tls;
    static CounterClient bystander;

    @BeforeAll
    static void start() {
        plain = HardLight.server(Counter.class, c -> new CounterHandler(null, null, null))
                .insecurePlaintext().bind("127.0.0.1", 0).start();
        tls = HardLight.server(Counter.class, c -> new CounterHandler(null, null, null))
                .tls(TestServer.TLS).bind("127.0.0.1", 0).start();
        bystander = HardLight.connect(URI.create("ws://127.0.0.1:" + plain.port() + "/hl"),
                ClientOptions.builder().insecurePlaintext().build(), CounterClient.FACTORY);
    }

    @AfterAll
    static void stop() {
        bystander.close();
        plain.close();
        tls.close();
    }

    private static HardLightServer server(boolean overTls) {
        return overTls ? tls : plain;
    }

    /** CALL id 0, method 0 (increment) with argument 7. */
    private static byte[] incrementCall() {
        ByteBuf buf = Unpooled.buffer();
        buf.writeByte(FrameType.CALL).writeByte(0).writeByte(0);
        new ByteBufWireWriter(buf).writeInt(7);
        byte[] bytes = ByteBufUtil.getBytes(buf);
        buf.release();
        return bytes;
    }

    private static byte[] masked(int opcode, byte[] payload) {
        return RawPeer.frame(0x80 | opcode, payload, true);
    }

    // ---- case 2: frames in the same read as the upgrade request ----

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void framesCoalescedWithTheUpgradeRequestAreAnswered(boolean overTls) throws Exception {
        HardLightServer server = server(overTls);
        HostileLoad.Baseline base = HostileLoad.Baseline.of(server);
        int rounds = 50;
        try (HostileLoad.Watch watch = new HostileLoad.Watch(bystander)) {
            for (int i = 0; i < rounds; i++) {
                try (Socket s = HostileLoad.connect(server.port(), overTls); RawPeer peer = RawPeer.over(s)) {
                    // The request, a CALL and a ping in one write (one TCP segment, one TLS record).
                    s.getOutputStream().write(HostileLoad.concat(HostileLoad.upgradeRequest(server.port()),
                            masked(RawPeer.BINARY, incrementCall()), masked(RawPeer.PING, new byte[] {1, 2, 3})));
                    s.getOutputStream().flush();
                    peer.readAnswer();
                    assertThat(peer.status).isEqualTo(101);
                    // The HELLO, the CALL's RESULT (binary, in this order) and the PONG (a control
                    // frame, answered on the event loop, may come before either).
                    List<Integer> binary = new ArrayList<>();
                    List<byte[]> pongs = new ArrayList<>();
                    while (binary.size() < 2 || pongs.isEmpty()) {
                        RawPeer.Frame f = peer.read();
                        assertThat(f).as("a frame (HELLO, RESULT, PONG)").isNotNull();
                        if (f.opcode() == RawPeer.BINARY) {
                            binary.add((int) f.payload()[0]);
                        } else {
                            assertThat(f.opcode()).isEqualTo(RawPeer.PONG);
                            pongs.add(f.payload());
                        }
                    }
                    assertThat(binary).containsExactly(FrameType.HELLO, FrameType.RESULT);
                    assertThat(pongs).hasSize(1);
                    assertThat(pongs.get(0)).containsExactly((byte) 1, (byte) 2, (byte) 3);
                }
            }
            watch.check("case 2 coalesced frames, tls=" + overTls, BOUND, rounds + " of " + rounds + " CALLs answered");
        }
        base.awaitReturn(SLACK);
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void aTextFrameCoalescedWithTheUpgradeRequestClosesWith1003(boolean overTls) throws Exception {
        HardLightServer server = server(overTls);
        HostileLoad.Baseline base = HostileLoad.Baseline.of(server);
        try (Socket s = HostileLoad.connect(server.port(), overTls); RawPeer peer = RawPeer.over(s)) {
            s.getOutputStream().write(HostileLoad.concat(HostileLoad.upgradeRequest(server.port()),
                    masked(RawPeer.TEXT, "hello".getBytes(StandardCharsets.UTF_8))));
            s.getOutputStream().flush();
            peer.readAnswer();
            assertThat(peer.status).isEqualTo(101);
            assertThat(peer.awaitClose()).startsWith("1003 ");
            assertThat(peer.awaitEndOfStream()).isTrue();
        }
        base.awaitReturn(SLACK);
    }

    // ---- case 3: malformed close frames ----

    /** Close codes a peer must not send; -1 stands for a valid code with a reason that is not UTF-8 (RFC 6455: 1007). */
    @ParameterizedTest(name = "close code {0}")
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 2999, -1})
    void malformedCloseFramesAreAnsweredWithACloseFrame(int code) throws Exception {
        HostileLoad.Baseline base = HostileLoad.Baseline.of(plain);
        try (RawPeer peer = RawPeer.open(plain.port())) {
            byte[] payload;
            if (code < 0) { // a valid code with a reason that is not UTF-8
                payload = new byte[] {0x03, (byte) 0xE8, (byte) 0xC3, 0x28};
            } else {
                payload = new byte[] {(byte) (code >> 8), (byte) code, 'x'};
            }
            peer.send(true, RawPeer.CLOSE, payload);
            assertThat(peer.awaitClose()).startsWith(code < 0 ? "1007 " : "1002 ");
            assertThat(peer.awaitEndOfStream()).isTrue();
        }
        assertThat(bystander.increment(0)).isNotNegative();
        base.awaitReturn(SLACK);
    }

    // ---- case 6: every upgrade refusal per the §1 table ----

    /** Sends a raw request, reads the answer: "status|header lines|body", and checks the connection closes at once. */
    private static RawPeer refusal(String request, byte[] extra) throws IOException {
        Socket s = HostileLoad.connect(plain.port(), false);
        RawPeer peer = RawPeer.over(s);
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        if (extra != null) {
            try {
                out.write(extra);
            } catch (IOException e) {
                // the server may refuse and close before the whole body is written
            }
        }
        out.flush();
        peer.readAnswer();
        s.setSoTimeout(3_000);
        assertThat(peer.awaitEndOfStream()).as("closed at once, not held until the handshake timeout").isTrue();
        peer.close();
        return peer;
    }

    private static String request(String firstLine, String headers) {
        return firstLine + "\r\n" + headers + "\r\n";
    }

    private static final String HOST = "Host: 127.0.0.1\r\n";
    private static final String UPGRADE = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
    private static final String PROTOCOL = "Sec-WebSocket-Protocol: hardlight.v1\r\n";
    private static final String KEY = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    private static final String V13 = "Sec-WebSocket-Version: 13\r\n";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no key|" + "400|missing Sec-WebSocket-Key",
        "no version|426|missing Sec-WebSocket-Version: this server speaks WebSocket version 13",
        "version 99|426|unsupported Sec-WebSocket-Version 99: this server speaks WebSocket version 13",
        "version 8|426|unsupported Sec-WebSocket-Version 8",
        "version 7|426|unsupported Sec-WebSocket-Version 7",
        "invalid key|400|invalid Sec-WebSocket-Key",
        "no host|400|missing Host header",
        "long request line|400|malformed HTTP request: request line longer than 4096 bytes",
        "huge header|400|malformed HTTP request: headers larger than 8192 bytes",
    })
    void upgradeRefusalsFollowTheTable(String what, int status, String body) throws Exception {
        HostileLoad.Baseline base = HostileLoad.Baseline.of(plain);
        String req = switch (what) {
            case "no key" -> request("GET /hl HTTP/1.1", HOST + UPGRADE + PROTOCOL + V13);
            case "no version" -> request("GET /hl HTTP/1.1", HOST + UPGRADE + PROTOCOL + KEY);
            case "version 99" -> request("GET /hl HTTP/1.1", HOST + UPGRADE + PROTOCOL + KEY + "Sec-WebSocket-Version: 99\r\n");
            case "version 8" -> request("GET /hl HTTP/1.1", HOST + UPGRADE + PROTOCOL + KEY + "Sec-WebSocket-Version: 8\r\n");
            case "version 7" -> request("GET /hl HTTP/1.1", HOST + UPGRADE + PROTOCOL + KEY + "Sec-WebSocket-Version: 7\r\n");
            case "invalid key" -> request("GET /hl HTTP/1.1", HOST + UPGRADE + PROTOCOL + V13 + "Sec-WebSocket-Key: not-a-key\r\n");
            case "no host" -> request("GET /hl HTTP/1.1", UPGRADE + PROTOCOL + KEY + V13);
            case "long request line" -> request("GET /hl?" + "a".repeat(5000) + " HTTP/1.1", HOST + UPGRADE + PROTOCOL + KEY + V13);
            case "huge header" -> request("GET /hl HTTP/1.1", HOST + UPGRADE + PROTOCOL + KEY + V13 + "X-Big: " + "b".repeat(9000) + "\r\n");
            default -> throw new AssertionError(what);
        };
        try (HostileLoad.Watch watch = new HostileLoad.Watch(bystander)) {
            RawPeer peer = refusal(req, null);
            assertThat(peer.status).isEqualTo(status);
            assertThat(peer.body).startsWith(body);
            assertThat(peer.body).doesNotContainPattern("[a-z]+\\.[a-z]+\\.[A-Za-z]+(Exception|Error)");
            assertThat(peer.headers).anyMatch(h -> h.toLowerCase().startsWith("content-type: text/plain"));
            if (status == 426) {
                assertThat(peer.headers).contains("sec-websocket-version: 13");
            }
            watch.check("case 6 refusal, " + what, BOUND, status + " " + peer.body);
        }
        base.awaitReturn(SLACK);
    }

    @Test
    void aPostWithALargeBodyIsRefusedWith413AndClosedAtOnce() throws Exception {
        HostileLoad.Baseline base = HostileLoad.Baseline.of(plain);
        long t0 = System.nanoTime();
        RawPeer peer = refusal(request("POST /hl HTTP/1.1", HOST + "Content-Length: 100000\r\n"), new byte[100_000]);
        assertThat(peer.status).isEqualTo(413);
        assertThat(peer.body).isEqualTo("request body larger than 8192 bytes: a HardLight upgrade is a GET without a body");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("no hang until the handshake timeout").isLessThan(Duration.ofSeconds(5));
        base.awaitReturn(SLACK);
    }

    // ---- case 4: ping floods ----

    @Test
    void aPingFloodIsAnsweredOncePerReadAndClosedBeyondTheControlFrameRate() throws Exception {
        HostileLoad.Baseline base = HostileLoad.Baseline.of(plain);
        try (RawPeer peer = RawPeer.open(plain.port()); HostileLoad.Watch watch = new HostileLoad.Watch(bystander)) {
            int burst = 500;
            byte[][] pings = new byte[burst][];
            for (int i = 0; i < burst; i++) {
                pings[i] = masked(RawPeer.PING, new byte[] {(byte) (i >> 8), (byte) i});
            }
            peer.sendBytes(HostileLoad.concat(pings));
            peer.socket.setSoTimeout(1_000);
            List<byte[]> pongs = new ArrayList<>();
            try {
                for (RawPeer.Frame f = peer.read(); f != null; f = peer.read()) {
                    assertThat(f.opcode()).isEqualTo(RawPeer.PONG);
                    pongs.add(f.payload());
                }
            } catch (java.net.SocketTimeoutException e) {
                // no more pongs
            }
            assertThat(pongs).as("only the latest ping of each read is answered").isNotEmpty().hasSizeLessThan(burst / 10);
            assertThat(pongs.get(pongs.size() - 1)).as("the last answer is for the last ping").containsExactly((byte) 1, (byte) 0xF3);
            // The flood: beyond 1000 control frames a second the connection is closed with 1008.
            peer.socket.setSoTimeout(10_000);
            byte[] chunk = HostileLoad.concat(java.util.Arrays.copyOf(pings, 200));
            try {
                for (int i = 0; i < 100; i++) {
                    peer.sendBytes(chunk);
                }
            } catch (IOException e) {
                // closed by the server mid-flood
            }
            String close = "EOF";
            for (RawPeer.Frame f = peer.read(); f != null; f = peer.read()) {
                if (f.opcode() == RawPeer.CLOSE) {
                    close = f.closeCode() + " " + f.closeReason();
                    break;
                }
            }
            assertThat(close).isEqualTo("1008 more than 1000 control frames a second");
            watch.check("case 4 ping flood", BOUND, pongs.size() + " pongs for " + burst + " pings, then " + close);
        }
        base.awaitReturn(SLACK);
    }

    // ---- case 5: handshakes in progress per address ----

    @Test
    void oneAddressCannotHoldTheConnectionBudgetWithHandshakesThatNeverFinish() throws Exception {
        try (HardLightServer small = HardLight.server(Counter.class, c -> new CounterHandler(null, null, null))
                .tls(TestServer.TLS).bind("127.0.0.1", 0).maxConnections(100).start()) {
            HostileLoad.Baseline base = HostileLoad.Baseline.of(small);
            InetAddress attacker = InetAddress.getByName("127.0.0.1");
            InetAddress neighbour = InetAddress.getByName("127.0.0.2");
            List<Socket> held = new ArrayList<>();
            try (HostileLoad.Watch watch = new HostileLoad.Watch(bystander)) {
                for (int i = 0; i < 150; i++) { // raw TCP, never a TLS byte
                    held.add(HostileLoad.connect(attacker, small.port(), false));
                }
                try (Socket s = HostileLoad.connect(neighbour, small.port(), true); RawPeer peer = RawPeer.over(s)) {
                    s.getOutputStream().write(HostileLoad.upgradeRequest(small.port()));
                    peer.readAnswer();
                    assertThat(peer.status).as("another address still gets in").isEqualTo(101);
                }
                String[] refusal = new String[1];
                Await.until("the attacker's next connection is refused", Duration.ofSeconds(5), () -> {
                    try (Socket s = HostileLoad.connect(attacker, small.port(), true); RawPeer peer = RawPeer.over(s)) {
                        s.getOutputStream().write(HostileLoad.upgradeRequest(small.port()));
                        peer.readAnswer();
                        refusal[0] = peer.status + " " + peer.body;
                        return peer.status == 503;
                    } catch (IOException e) {
                        return false;
                    }
                });
                assertThat(refusal[0]).isEqualTo("503 too many handshakes in progress from 127.0.0.1: this server accepts at most "
                        + ServerOptions.DEFAULT_MAX_HANDSHAKES_PER_ADDRESS + " per address");
                watch.check("case 5 150 stalled TLS handshakes from one address", BOUND,
                        "neighbour upgraded, attacker's next refused: " + refusal[0]);
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
            base.awaitReturn(SLACK);
        }
    }
}
