package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.Connection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * permessage-deflate (RFC 7692), opt-in on both sides, with the inflated size capped at the message
 * size limit; and the client's local address.
 */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class CompressionTest {
    private static final ClientOptions PLAIN = ClientOptions.builder().insecurePlaintext().build();
    private static final ClientOptions COMPRESSED = PLAIN.toBuilder().compression(Compression.deflate()).build();
    private static final String OFFER = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n";

    private static HardLightServer server(ServerBuilder<Everything> b) {
        return b.insecurePlaintext().bind("127.0.0.1", 0).start();
    }

    private static ServerBuilder<Everything> everything() {
        return HardLight.server(Everything.class, c -> new EverythingTest.Echo());
    }

    private static EverythingClient client(int port, ClientOptions options) {
        return HardLight.connect(URI.create("ws://127.0.0.1:" + port + "/hl"), options, EverythingClient.FACTORY);
    }

    /** 64 KiB of text that compresses well. */
    private static String compressible() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; s.length() < 64 * 1024; i++) {
            s.append("event ").append(i % 100).append(": the quick brown fox jumps over the lazy dog\n");
        }
        return s.substring(0, 64 * 1024);
    }

    /** Bytes on the wire, both ways, for one echo of {@code payload}. */
    private static String echoThroughProxy(HardLightServer s, ClientOptions options, String payload) throws Exception {
        try (StateSyncTest.RecordingProxy proxy = new StateSyncTest.RecordingProxy(s.port())) {
            try (EverythingClient c = client(proxy.port(), options)) {
                assertThat(c.string(payload)).isEqualTo(payload);
            }
            return proxy.recorded();
        }
    }

    @Test
    void negotiatedCompressionShrinksALargeMessageOnTheWire() throws Exception {
        String payload = compressible();
        try (HardLightServer s = server(everything().compression(Compression.deflate()))) {
            String compressed = echoThroughProxy(s, COMPRESSED, payload);
            String plain = echoThroughProxy(s, PLAIN, payload);
            // The offer in the request and the acceptance in the 101.
            assertThat(compressed.split("permessage-deflate", -1)).as("offered and accepted").hasSizeGreaterThanOrEqualTo(3);
            assertThat(compressed.toLowerCase(java.util.Locale.ROOT))
                    .contains("\r\nsec-websocket-extensions: permessage-deflate");
            assertThat(plain).doesNotContain("permessage-deflate");
            assertThat(plain.length()).as("uncompressed: the payload both ways").isGreaterThan(2 * 64 * 1024);
            assertThat(compressed.length()).as("compressed: far less than the payload once").isLessThan(16 * 1024);
        }
    }

    @Test
    void messagesBelowTheThresholdAreSentUncompressed() throws Exception {
        String small = "a".repeat(600);
        String large = "b".repeat(4000);
        try (HardLightServer s = server(everything().compression(Compression.deflate(1024)));
             StateSyncTest.RecordingProxy proxy = new StateSyncTest.RecordingProxy(s.port())) {
            try (EverythingClient c = client(proxy.port(), PLAIN.toBuilder().compression(Compression.deflate(1024)).build())) {
                assertThat(c.string(small)).isEqualTo(small);
                assertThat(c.string(large)).isEqualTo(large);
            }
            String wire = proxy.recorded();
            assertThat(wire).as("the server's echo of 600 bytes, as it is").contains(small);
            assertThat(wire).as("the echo of 4000 bytes, compressed").doesNotContain("b".repeat(100));
        }
    }

    @Test
    void compressionIsOffByDefaultOnBothSides() throws Exception {
        String payload = compressible();
        // A default server ignores the offer ...
        try (HardLightServer s = server(everything())) {
            try (RawPeer p = RawPeer.upgrade(null, s.port(), OFFER)) {
                assertThat(p.status).isEqualTo(101);
                assertThat(p.headers).noneMatch(h -> h.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-extensions"));
                // ... and refuses a compressed frame on the connection that did not negotiate it.
                assertThat(p.read().opcode()).isEqualTo(RawPeer.BINARY);
                p.write(0x80 | 0x40 | RawPeer.BINARY, deflate(new byte[100]), true);
                assertThat(p.awaitClose()).startsWith("1002");
            }
            String wire = echoThroughProxy(s, COMPRESSED, payload);
            assertThat(wire).as("offered, not accepted").containsOnlyOnce("permessage-deflate");
            assertThat(wire.length()).isGreaterThan(2 * 64 * 1024);
        }
        // ... and a default client does not offer it.
        try (HardLightServer s = server(everything().compression(Compression.deflate()))) {
            String wire = echoThroughProxy(s, PLAIN, payload);
            assertThat(wire).doesNotContain("permessage-deflate");
            assertThat(wire.length()).isGreaterThan(2 * 64 * 1024);
        }
    }

    @Test
    void aCompressedFrameWithoutNegotiationIsAProtocolError() throws Exception {
        try (HardLightServer s = server(everything().compression(Compression.deflate()));
             RawPeer p = RawPeer.upgrade(null, s.port(), "")) {
            assertThat(p.status).isEqualTo(101);
            assertThat(p.read().opcode()).isEqualTo(RawPeer.BINARY);
            p.write(0x80 | 0x40 | RawPeer.BINARY, deflate(new byte[100]), true);
            assertThat(p.awaitClose()).startsWith("1002");
        }
    }

    @Test
    void compressedGarbageIsAProtocolError() throws Exception {
        try (HardLightServer s = server(everything().compression(Compression.deflate()));
             RawPeer p = RawPeer.upgrade(null, s.port(), OFFER)) {
            assertThat(p.status).isEqualTo(101);
            assertThat(p.read().opcode()).isEqualTo(RawPeer.BINARY);
            byte[] garbage = new byte[64];
            Arrays.fill(garbage, (byte) 0xFF);
            p.write(0x80 | 0x40 | RawPeer.BINARY, garbage, true);
            assertThat(p.awaitClose()).startsWith("1002");
        }
    }

    @Test
    void aCompressionBombIsRefusedWith1009AndOtherConnectionsCarryOn() throws Exception {
        int limit = 64 * 1024;
        try (HardLightServer s = server(everything().compression(Compression.deflate()).maxMessageSize(limit));
             EverythingClient other = client(s.port(), COMPRESSED)) {
            String payload = "x".repeat(limit / 2);
            assertThat(other.string(payload)).isEqualTo(payload);
            byte[] bomb = deflate(new byte[64 * 1024 * 1024]); // 64 MiB of zeros
            assertThat(bomb.length).as("a small frame").isLessThan(limit);
            try (RawPeer p = RawPeer.upgrade(null, s.port(), OFFER)) {
                assertThat(p.status).isEqualTo(101);
                assertThat(p.headers).anyMatch(h -> h.toLowerCase(java.util.Locale.ROOT)
                        .startsWith("sec-websocket-extensions: permessage-deflate"));
                assertThat(p.read().opcode()).isEqualTo(RawPeer.BINARY); // HELLO
                p.write(0x80 | 0x40 | RawPeer.BINARY, bomb, true);
                assertThat(p.awaitClose()).startsWith("1009").contains("inflates to more than " + limit);
                assertThat(p.awaitEndOfStream()).isTrue();
            }
            assertThat(other.string(payload)).isEqualTo(payload);
            Await.until("the bomb connection closed", java.time.Duration.ofSeconds(10), () -> s.connectionCount() == 1);
        }
    }

    @Test
    void aMessageJustUnderTheLimitInflatesFine() throws Exception {
        int limit = 64 * 1024;
        try (HardLightServer s = server(everything().compression(Compression.deflate(0)).maxMessageSize(limit));
             EverythingClient c = client(s.port(), PLAIN.toBuilder().compression(Compression.deflate(0)).build())) {
            String payload = "y".repeat(limit - 64);
            assertThat(c.string(payload)).isEqualTo(payload);
            String tiny = "z";
            assertThat(c.string(tiny)).isEqualTo(tiny);
            // The client knows the server's limit and refuses to send it at all.
            assertThatThrownBy(() -> c.string("y".repeat(limit + 1))).isInstanceOf(dev.hardlight.RpcException.class);
            assertThat(c.string(tiny)).isEqualTo(tiny);
        }
    }

    @Test
    void aMessageInflatingJustPastTheLimitIsRefusedWith1009() throws Exception {
        int limit = 4096;
        try (HardLightServer s = server(everything().compression(Compression.deflate()).maxMessageSize(limit))) {
            for (int size : new int[] {limit + 1, limit + 300, limit + 5000}) {
                try (RawPeer p = RawPeer.upgrade(null, s.port(), OFFER)) {
                    assertThat(p.read().opcode()).isEqualTo(RawPeer.BINARY);
                    p.write(0x80 | 0x40 | RawPeer.BINARY, deflate(new byte[size]), true);
                    assertThat(p.awaitClose()).as("%d bytes inflated", size).startsWith("1009");
                }
            }
            // Fragmented: each frame inflates within the limit, the message does not.
            try (RawPeer p = RawPeer.upgrade(null, s.port(), OFFER)) {
                assertThat(p.read().opcode()).isEqualTo(RawPeer.BINARY);
                byte[][] z = deflateParts(new byte[3000], new byte[3000], new byte[3000]);
                p.write(0x40 | RawPeer.BINARY, z[0], true);
                p.write(RawPeer.CONTINUATION, z[1], true);
                p.write(0x80 | RawPeer.CONTINUATION, z[2], true);
                assertThat(p.awaitClose()).startsWith("1009");
            }
        }
    }

    @Test
    void theClientBindsToItsLocalAddress() throws Exception {
        InetAddress local = InetAddress.getByName("127.0.0.2");
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(local, 0));
        } catch (IOException e) {
            Assumptions.abort("cannot bind 127.0.0.2 here (not Linux loopback): " + e);
        }
        AtomicReference<Connection> seen = new AtomicReference<>();
        try (HardLightServer s = HardLight.server(Everything.class, c -> {
            seen.set(c);
            return new EverythingTest.Echo();
        }).insecurePlaintext().bind("127.0.0.1", 0).start();
             EverythingClient c = client(s.port(), PLAIN.toBuilder().localAddress(local).build())) {
            assertThat(c.i(7)).isEqualTo(7);
            assertThat(seen.get().remoteAddress()).isInstanceOfSatisfying(InetSocketAddress.class,
                    a -> assertThat(a.getAddress()).isEqualTo(local));
        }
        assertThat(PLAIN.toBuilder().localAddress(local).build().localAddress()).isEqualTo(local);
        assertThat(PLAIN.localAddress()).isNull();
        assertThat(PLAIN.compression()).isEqualTo(Compression.off());
        assertThat(PLAIN.compression().isEnabled()).isFalse();
        assertThat(COMPRESSED.compression().thresholdBytes()).isEqualTo(Compression.DEFAULT_THRESHOLD);
    }

    @Test
    void thresholdsMustNotBeNegative() {
        assertThatThrownBy(() -> Compression.deflate(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("compression threshold: -1 (expected: >= 0)");
    }

    /** One deflate stream cut at sync flushes, one part per frame, the last without its 00 00 ff ff tail. */
    static byte[][] deflateParts(byte[]... parts) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        byte[][] out = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            d.setInput(parts[i]);
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            do {
                n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
                o.write(buf, 0, n);
            } while (n == buf.length);
            out[i] = o.toByteArray();
        }
        d.end();
        out[parts.length - 1] = Arrays.copyOf(out[parts.length - 1], out[parts.length - 1].length - 4);
        return out;
    }

    /** Raw deflate with a sync flush, its 00 00 ff ff tail removed (RFC 7692 7.2.1). */
    static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        d.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
            out.write(buf, 0, n);
            if (n < buf.length && d.needsInput()) {
                break;
            }
        }
        d.end();
        byte[] b = out.toByteArray();
        return Arrays.copyOf(b, b.length - 4);
    }
}
