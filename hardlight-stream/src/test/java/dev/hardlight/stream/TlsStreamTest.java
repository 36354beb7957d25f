package dev.hardlight.stream;

import static dev.hardlight.stream.RecordingHandler.pollUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.stream.internal.SslEngines;
import java.io.IOException;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(30)
class TlsStreamTest {

    private static TestWebSocketServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestWebSocketServer.tls();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void boringSslIsAvailableHere() {
        assertThat(SslEngines.openSslAvailable()).as("netty-tcnative loads on this machine").isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = TlsOptions.Engine.class, names = {"OPENSSL", "JDK"})
    void aPinnedCertificateCarriesWebSocketFramesOverTls13(TlsOptions.Engine engine) throws Exception {
        TlsOptions tls = TlsOptions.pinned(TestCertificate.get().fingerprint).toBuilder().engine(engine).tls13Only(true).build();
        RecordingHandler handler = new RecordingHandler();
        WebSocket ws = WebSocket.over(Streams.tls(Streams.tcp(server.address()), "localhost", server.port(), tls),
                server.uri(), WebSocketOptions.defaults(), handler);
        try {
            ws.sendText("over tls");
            assertThat(handler.take(ws).text()).isEqualTo("over tls");
            // a frame over one TLS record (16 KiB) arrives whole
            ws.sendText("!big 100000");
            assertThat(handler.take(ws).payload()).hasSize(100_000);
            ws.close(1000, "");
            pollUntil(ws, () -> ws.state() == WebSocket.State.CLOSED);
            assertThat(handler.closeCode).isEqualTo(1000);
        } finally {
            ws.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsOptions.Engine.class, names = {"OPENSSL", "JDK"})
    void anotherCertificateThanThePinnedOneIsRefused(TlsOptions.Engine engine) throws Exception {
        String wrong = HexFormat.of().formatHex(new byte[32]);
        Stream s = Streams.tls(Streams.tcp(server.address()), "localhost", server.port(),
                TlsOptions.pinned(wrong).toBuilder().engine(engine).build());
        try {
            assertThatThrownBy(() -> {
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (!s.finishConnect()) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("handshake neither failed nor finished");
                    }
                }
            }).isInstanceOf(IOException.class)
                    .satisfies(e -> assertThat(stackMessages(e)).contains("not the pinned " + wrong));
        } finally {
            s.close();
        }
    }

    @Test
    void anIoServiceConnectsAWssEndpointWithItsTlsOptions() throws Exception {
        WebSocketOptions options = WebSocketOptions.builder().tls(TlsOptions.pinned(TestCertificate.get().fingerprint)).build();
        java.util.List<String> received = new java.util.ArrayList<>();
        Endpoint<java.util.List<String>> secure = new Endpoint<>() {
            @Override
            public java.net.URI uri() {
                return server.uri();
            }

            @Override
            public WebSocketOptions options() {
                return options;
            }

            @Override
            public void onConnected(WebSocket ws, java.util.List<String> ctx) {
                ws.sendText("subscribe over wss");
            }

            @Override
            public void onFrame(WebSocket ws, Frame frame, java.util.List<String> ctx) {
                ctx.add(frame.asString());
            }
        };
        try (IoService<java.util.List<String>> io = IoService.builder(received).selector(SelectorKind.NIO).build()) {
            io.register(secure);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (received.isEmpty() && System.nanoTime() < deadline) {
                io.poll();
            }
        }
        assertThat(received).containsExactly("subscribe over wss");
    }

    @Test
    void aRecordingOverTlsHoldsThePlaintextAndReplaysWithoutTls(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("tls.hlrec");
        RecordingHandler live = new RecordingHandler();
        Stream tls = Streams.tls(Streams.tcp(server.address()), "localhost", server.port(),
                TlsOptions.pinned(TestCertificate.get().fingerprint));
        WebSocket ws = WebSocket.over(Streams.recorded(tls, file, server.uri().toString()), server.uri(),
                WebSocketOptions.defaults(), live);
        ws.sendText("secret over tls");
        ws.sendText("!big 40000");
        pollUntil(ws, () -> live.frames.size() == 2);
        ws.close(1000, "");
        pollUntil(ws, () -> ws.state() == WebSocket.State.CLOSED);
        assertThat(new String(java.nio.file.Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1))
                .as("the plaintext is in the file").contains("GET /ws HTTP/1.1").contains("secret over tls");

        RecordingHandler replayed = new RecordingHandler();
        WebSocket replay = WebSocket.over(Streams.replay(file), server.uri(), WebSocketOptions.defaults(), replayed);
        pollUntil(replay, () -> replay.state() == WebSocket.State.CLOSED);
        assertThat(replayed.frames).extracting(RecordingHandler.Received::payload)
                .containsExactlyElementsOf(live.frames.stream().map(RecordingHandler.Received::payload).toList());
        assertThat(replayed.closeCode).isEqualTo(1000);
    }

    @Test
    void aMalformedFingerprintIsRefusedAtOnce() {
        assertThatThrownBy(() -> TlsOptions.pinned("12:34"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: 64 hex digits");
    }

    private static String stackMessages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t.getMessage()).append(" / ");
        }
        return sb.toString();
    }
}
