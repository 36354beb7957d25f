package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.netty.internal.ClientChannel;
import dev.hardlight.netty.internal.NettyRpcChannel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Keepalive on both sides: a silent peer is pinged every interval and given up after the idle
 * timeout; a peer that answers pings keeps an idle connection open indefinitely.
 */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class KeepAliveTest {
    private static final Duration PING = Duration.ofMillis(200);
    private static final Duration IDLE = Duration.ofMillis(600);

    private static HardLightServer plaintextServer(ServerBuilder<Counter> b) {
        return b.insecurePlaintext().bind("127.0.0.1", 0).start();
    }

    private static ServerBuilder<Counter> counter() {
        return HardLight.server(Counter.class, c -> new CounterHandler(null, null, null));
    }

    @Test
    void serverPingsASilentClientThenClosesItWith1001() throws Exception {
        try (HardLightServer server = plaintextServer(counter().keepAlive(KeepAlive.of(PING, IDLE)));
             RawPeer peer = RawPeer.open(server.port())) {
            long t0 = System.nanoTime();
            int pings = 0;
            RawPeer.Frame f;
            while ((f = peer.read()) != null && f.opcode() == RawPeer.PING) {
                pings++; // never answered
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(pings).as("a ping every interval of silence").isBetween(1, 3);
            assertThat(f).isNotNull();
            assertThat(f.opcode()).isEqualTo(RawPeer.CLOSE);
            assertThat(f.closeCode()).isEqualTo(1001);
            assertThat(f.closeReason()).isEqualTo("idle timeout: nothing received for 600 ms");
            assertThat(millis).isBetween(500L, 5_000L);
            assertThat(peer.awaitEndOfStream()).as("then the TCP connection is closed").isTrue();
            Await.until("the connection is gone", Duration.ofSeconds(5), () -> server.connectionCount() == 0);
        }
    }

    @Test
    void clientThatAnswersPingsStaysOpenAcrossManyIntervals() throws Exception {
        // A wider idle timeout than the other tests: each pong may be late by up to 1.25 s (a starved
        // machine) without the server giving up, and 10 pings still last well beyond the timeout.
        Duration ping = Duration.ofMillis(250);
        Duration idle = Duration.ofMillis(1500);
        try (HardLightServer server = plaintextServer(counter().keepAlive(KeepAlive.of(ping, idle)));
             RawPeer peer = RawPeer.open(server.port())) {
            // 10 pings without any application traffic: 2.5 s, beyond the 1.5 s idle timeout.
            for (int pings = 0; pings < 10; ) {
                RawPeer.Frame f = peer.read();
                assertThat(f).as("the server keeps the connection").isNotNull();
                assertThat(f.opcode()).as("nothing but pings").isEqualTo(RawPeer.PING);
                peer.send(true, RawPeer.PONG, f.payload());
                pings++;
            }
            assertThat(server.connectionCount()).isEqualTo(1);
            peer.send(true, RawPeer.CLOSE, new byte[] {0x03, (byte) 0xE8});
            assertThat(peer.awaitClose()).startsWith("1000");
        }
    }

    @Test
    void hardLightClientAndServerKeepAnIdleConnectionOpen() throws Exception {
        try (HardLightServer server = plaintextServer(counter().keepAlive(KeepAlive.of(PING, IDLE)));
             CounterClient client = HardLight.connect(URI.create("ws://127.0.0.1:" + server.port() + "/hl"),
                     ClientOptions.builder().insecurePlaintext().keepAlive(KeepAlive.of(PING, IDLE)).build(), CounterClient.FACTORY)) {
            NettyRpcChannel channel = ((ClientChannel) client.channel()).link();
            // Both sides ping a silent peer; each answers the other's pings. Wait for 6 client pings (> 1.2 s).
            Await.until("the client pings", Duration.ofSeconds(10), () -> channel.pingsSent() >= 6);
            assertThat(channel.isOpen()).isTrue();
            assertThat(server.connectionCount()).isEqualTo(1);
            assertThat(client.increment(1)).isEqualTo(1);
        }
    }

    @Test
    void clientGivesUpOnAServerThatStopsAnsweringAndFailsPendingCalls() throws Exception {
        // A server that upgrades, sends a valid HELLO, then reads and discards everything: no pong, no answer.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Socket> accepted = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try (Socket s = silent.accept()) {
                    accepted.complete(s);
                    HandshakeTimeoutTest.acceptUpgrade(s);
                    ByteBuf hello = MisbehavingServerTest.hello();
                    byte[] payload = ByteBufUtil.getBytes(hello);
                    hello.release();
                    OutputStream out = s.getOutputStream();
                    out.write(0x82); // FIN, binary, unmasked; a HELLO is shorter than 64 KiB
                    if (payload.length < 126) {
                        out.write(payload.length);
                    } else {
                        out.write(126);
                        out.write(payload.length >>> 8);
                        out.write(payload.length);
                    }
                    out.write(payload);
                    out.flush();
                    InputStream in = s.getInputStream();
                    in.transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                    accepted.completeExceptionally(e);
                }
            });
            ClientOptions options = ClientOptions.builder().insecurePlaintext().keepAlive(KeepAlive.of(PING, IDLE)).build();
            try (CounterClient client = HardLight.connect(URI.create("ws://127.0.0.1:" + silent.getLocalPort() + "/hl"),
                    options, CounterClient.FACTORY)) {
                NettyRpcChannel link = ((ClientChannel) client.channel()).link();
                long t0 = System.nanoTime();
                CompletableFuture<Integer> pending = client.incrementAsync(1);
                assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .cause()
                        .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.CONNECTION_LOST))
                        .hasMessageEndingWith("was lost: no data from the server for 600 ms");
                assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(500L, 5_000L);
                assertThat(link.pingsSent()).isBetween(1L, 3L);
                assertThatThrownBy(() -> client.increment(2))
                        .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.CONNECTION_LOST));
            }
        }
    }
}
