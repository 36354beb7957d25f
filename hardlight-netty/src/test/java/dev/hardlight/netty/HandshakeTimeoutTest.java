package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The handshake is bounded on both sides: the server closes a connection that has not upgraded
 * within its handshake timeout (counted from TCP accept, so TLS included), and the client's connect
 * timeout bounds TCP, TLS, the upgrade and the HELLO against a server that never answers.
 */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class HandshakeTimeoutTest {
    private static final Duration TIMEOUT = Duration.ofMillis(400);

    private static long closedAfterMillis(RawPeer peer) throws IOException {
        long t0 = System.nanoTime();
        assertThat(peer.awaitEndOfStream()).as("closed by the server").isTrue();
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void silentTcpClientIsClosedAtTheHandshakeTimeout() throws Exception {
        try (TestServer server = TestServer.start(b -> b.handshakeTimeout(TIMEOUT));
             RawPeer silent = RawPeer.tcp(null, server.server.port())) {
            assertThat(closedAfterMillis(silent)).isBetween(300L, 5_000L);
            Await.until("the closed connection no longer counts", Duration.ofSeconds(5),
                    () -> server.server.transport().acceptedConnections() == 0);
            CounterClient client = server.connect(); // the server is fine
            assertThat(client.increment(1)).isPositive();
            client.close();
        }
    }

    @Test
    void clientStalledInTheMiddleOfTlsIsClosedAtTheHandshakeTimeout() throws Exception {
        try (TestServer server = TestServer.start(b -> b.handshakeTimeout(TIMEOUT));
             RawPeer stalled = RawPeer.tcp(null, server.server.port())) {
            // A TLS record header announcing a 512-byte handshake message, then 3 bytes of it, then nothing.
            stalled.sendBytes(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01});
            assertThat(closedAfterMillis(stalled)).isBetween(300L, 5_000L);
        }
    }

    @Test
    void defaultHandshakeTimeoutIsTenSeconds() {
        assertThat(ServerOptions.DEFAULT_HANDSHAKE_TIMEOUT).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void slowUpgradeRequestIsClosedAtTheHandshakeTimeout() throws Exception {
        try (HardLightServer server = HardLight.server(Counter.class, c -> new CounterHandler(null, null, null))
                .insecurePlaintext().bind("127.0.0.1", 0).handshakeTimeout(TIMEOUT).start();
             RawPeer slow = RawPeer.tcp(null, server.port())) {
            slow.sendBytes("GET /hl HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII)); // never finished
            assertThat(closedAfterMillis(slow)).isBetween(300L, 5_000L);
        }
    }

    // ---- the client's connect timeout -----------------------------------------------------------

    /** A TCP server that runs {@code script} on each accepted socket, then holds it open, reading and discarding. */
    private static final class ScriptedServer implements AutoCloseable {
        final ServerSocket socket;
        final List<Socket> accepted = new CopyOnWriteArrayList<>();

        ScriptedServer(Consumer<Socket> script) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        accepted.add(s);
                        Thread.ofVirtual().start(() -> {
                            try (s) {
                                script.accept(s);
                                s.getInputStream().transferTo(OutputStream.nullOutputStream());
                            } catch (IOException e) {
                                // the client went away
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    /** Reads the upgrade request and answers 101 hardlight.v1, as a server would. */
    static void acceptUpgrade(Socket s) {
        try {
            InputStream in = s.getInputStream();
            StringBuilder request = new StringBuilder();
            while (!request.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    return;
                }
                request.append((char) c);
            }
            String key = request.toString().lines().filter(l -> l.toLowerCase().startsWith("sec-websocket-key:"))
                    .findFirst().orElseThrow().substring(18).trim();
            String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
            s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\nSec-WebSocket-Protocol: hardlight.v1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertConnectTimesOut(URI uri, ClientOptions options, String stage) {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> HardLight.connect(uri, options, CounterClient.FACTORY))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNAVAILABLE))
                .hasMessageContaining("no answer within 500 ms (during the " + stage + ")");
        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(400L, 5_000L);
    }

    @Test
    void connectTimeoutBoundsTlsAgainstAServerThatNeverAnswers() throws Exception {
        try (ScriptedServer silent = new ScriptedServer(s -> {})) {
            ClientOptions options = ClientOptions.insecureTrustAll().toBuilder().connectTimeout(Duration.ofMillis(500)).build();
            assertConnectTimesOut(URI.create("wss://127.0.0.1:" + silent.port() + "/hl"), options, "TLS handshake");
        }
    }

    @Test
    void connectTimeoutBoundsTheUpgradeAgainstAServerThatNeverAnswers() throws Exception {
        try (ScriptedServer silent = new ScriptedServer(s -> {})) {
            ClientOptions options = ClientOptions.builder().insecurePlaintext().connectTimeout(Duration.ofMillis(500)).build();
            assertConnectTimesOut(URI.create("ws://127.0.0.1:" + silent.port() + "/hl"), options, "WebSocket upgrade");
        }
    }

    @Test
    void connectTimeoutBoundsTheHelloAgainstAServerThatUpgradesAndFallsSilent() throws Exception {
        try (ScriptedServer silent = new ScriptedServer(HandshakeTimeoutTest::acceptUpgrade)) {
            ClientOptions options = ClientOptions.builder().insecurePlaintext().connectTimeout(Duration.ofMillis(500)).build();
            assertConnectTimesOut(URI.create("ws://127.0.0.1:" + silent.port() + "/hl"), options, "HELLO");
        }
    }
}
