package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.internal.codec.ByteBufWireWriter;
import dev.hardlight.internal.protocol.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 20, closes under attack: a peer that goes silent is closed by the idle timeout with 1001 and
 * counted ({@link HardLightServer#idleTimeouts()}); a TLS peer that reads nothing at all (its receive
 * window full) cannot keep its connection open through the close: after the close_notify's write
 * timeout the TCP connection is closed, with one line that names the connection (Netty's own line,
 * "Last write attempt timed out", named none).
 */
@ExtendWith(LeakDetection.class)
@Timeout(60)
class HostileCloseTest {
    private static CounterClient client(HardLightServer server, boolean tls) {
        return HardLight.connect(URI.create((tls ? "wss" : "ws") + "://127.0.0.1:" + server.port() + "/hl"),
                tls ? ClientOptions.pinned(server.tlsFingerprint()) : ClientOptions.builder().insecurePlaintext().build(), CounterClient.FACTORY);
    }

    @Test
    void aSilentPeerIsClosedByTheIdleTimeoutWith1001AndCounted() throws Exception {
        try (HardLightServer server = HardLight.server(Counter.class, c -> new CounterHandler(null, null, null))
                .insecurePlaintext().bind("127.0.0.1", 0).keepAlive(KeepAlive.of(Duration.ofMillis(200), Duration.ofSeconds(1))).start();
             CounterClient bystander = client(server, false)) {
            HostileLoad.Baseline base = HostileLoad.Baseline.of(server);
            try (HostileLoad.Watch watch = new HostileLoad.Watch(bystander); RawPeer silent = RawPeer.open(server.port())) {
                // Pings come (not answered: this peer reads, but never writes), then the close.
                int pings = 0;
                String close = null;
                for (RawPeer.Frame f = silent.read(); f != null && close == null; f = silent.read()) {
                    if (f.opcode() == RawPeer.PING) {
                        pings++;
                    } else if (f.opcode() == RawPeer.CLOSE) {
                        close = f.closeCode() + " " + f.closeReason();
                    }
                }
                assertThat(pings).as("pinged before the timeout").isPositive();
                assertThat(close).isEqualTo("1001 idle timeout: nothing received for 1 s");
                assertThat(silent.awaitEndOfStream()).isTrue();
                Await.until("the idle timeout counted", Duration.ofSeconds(5), () -> server.idleTimeouts() == 1);
                watch.check("idle timeout", Duration.ofSeconds(2), close + " after " + pings + " unanswered pings");
            }
            base.awaitReturn(32L << 20);
            assertThat(server.idleTimeouts()).as("the bystander answers pings: never idle").isEqualTo(1);
        }
    }

    /** A masked CALL of {@code fail(kind)} (method 1, which returns {@code kind}) with call id {@code id}. */
    private static byte[] echoCall(int id, String kind) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeByte(FrameType.CALL).writeByte(id).writeByte(1);
        new ByteBufWireWriter(buf).writeString(kind);
        byte[] payload = ByteBufUtil.getBytes(buf);
        buf.release();
        return RawPeer.frame(0x80 | RawPeer.BINARY, payload, true);
    }

    @Test
    void aTlsPeerThatReadsNothingIsClosedAfterTheCloseNotifyTimeoutWithALineNamingTheConnection() throws Exception {
        try (LogCapture logs = new LogCapture();
             HardLightServer server = HardLight.server(Counter.class, c -> new CounterHandler(null, null, null))
                     .tls(TestServer.TLS).bind("127.0.0.1", 0).keepAlive(KeepAlive.of(Duration.ofMillis(200), Duration.ofSeconds(1))).start();
             CounterClient bystander = client(server, true)) {
            HostileLoad.Baseline base = HostileLoad.Baseline.of(server);
            try (HostileLoad.Watch watch = new HostileLoad.Watch(bystander);
                 Socket s = HostileLoad.connect(null, server.port(), true, 8 * 1024); RawPeer peer = RawPeer.over(s)) {
                OutputStream out = s.getOutputStream();
                out.write(HostileLoad.upgradeRequest(server.port()));
                out.flush();
                peer.readAnswer();
                assertThat(peer.status).isEqualTo(101);
                // Ten answers of 600 KB each that this peer never reads: past the kernel's buffers and
                // the server's high-water mark, the server stops reading it, so it goes idle.
                String big = "x".repeat(600_000);
                Thread writer = Thread.ofPlatform().daemon().name("hostile-writer").start(() -> {
                    try {
                        for (int id = 0; id < 10; id++) {
                            out.write(echoCall(id, big));
                        }
                        out.flush();
                    } catch (IOException e) {
                        // the server stopped reading, then closed
                    }
                });
                Await.until("the idle timeout", Duration.ofSeconds(15), () -> server.idleTimeouts() == 1);
                long t0 = System.nanoTime();
                Await.until("the connection closed", Duration.ofSeconds(15), () -> server.connectionCount() == base.connections());
                long closeMillis = Duration.ofNanos(System.nanoTime() - t0).toMillis();
                Await.until("the close line", Duration.ofSeconds(5), () -> logs.lines().stream()
                        .anyMatch(l -> l.contains("the peer did not read the TLS close_notify within 3 s")));
                List<String> lines = logs.lines().stream().filter(l -> l.contains("close_notify")).toList();
                assertThat(lines).hasSize(1);
                assertThat(lines.get(0)).contains(" WARN ").containsPattern("\\[hl-conn \\d+ 127\\.0\\.0\\.1:\\d+\\] ");
                assertThat(logs.lines()).noneMatch(l -> l.contains("Last write attempt timed out"));
                watch.check("TLS peer reading nothing, closed", Duration.ofSeconds(2),
                        "closed " + closeMillis + " ms after the idle timeout: " + lines.get(0));
                writer.join(10_000);
            }
            base.awaitReturn(32L << 20);
        }
    }
}
