package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The long variants of issue 20's attacks, at the scale the issue reported (1,000 connections and
 * more from one address), against a server with default limits: partial messages (case 1), stalled
 * TLS handshakes (case 5) and a flood of violating connections (case 7). Each bounded in sockets
 * (at most 1,200 at once, well within the test JVM's file descriptors) and time (well under a
 * minute), each with a bystander whose worst latency is bounded, and each ending back at the
 * server's baseline.
 */
@Tag("slow")
@ExtendWith(LeakDetection.class)
@Timeout(90)
class HostileScaleTest {
    private static final Duration BOUND = Duration.ofSeconds(2);
    private static final long SLACK = 32L << 20;
    private static final long MIB = 1024 * 1024;

    private static CounterClient client(HardLightServer server) {
        return HardLight.connect(URI.create("ws://127.0.0.1:" + server.port() + "/hl"),
                ClientOptions.builder().insecurePlaintext().build(), CounterClient.FACTORY);
    }

    private static byte[] partialFrame(int length, int sent) {
        byte[] whole = RawPeer.frame(0x80 | RawPeer.BINARY, new byte[length], true);
        byte[] part = new byte[whole.length - length + sent];
        System.arraycopy(whole, 0, part, 0, part.length);
        return part;
    }

    @Test
    void aThousandConnectionsHoldingPartialMessagesStayWithinTheBudget() throws Exception {
        try (HardLightServer server = HardLight.server(Counter.class, c -> new CounterHandler(null, null, null))
                .insecurePlaintext().bind("127.0.0.1", 0).messageReceiveTimeout(Duration.ofSeconds(3)).start();
             CounterClient bystander = client(server)) {
            HostileLoad.Baseline base = HostileLoad.Baseline.of(server);
            int attackers = 1_000;
            byte[] partial = partialFrame(1024 * 1024, 200_000); // 200 KB of a 1 MiB message each: 200 MB in all
            List<RawPeer> peers = new ArrayList<>();
            long t0 = System.nanoTime();
            try (HostileLoad.Watch watch = new HostileLoad.Watch(bystander)) {
                for (int i = 0; i < attackers; i++) {
                    RawPeer p = RawPeer.open(server.port());
                    peers.add(p);
                    try {
                        p.sendBytes(partial);
                    } catch (IOException e) {
                        // refused (1013) and closed while still writing
                    }
                }
                Map<String, Integer> outcomes = new TreeMap<>();
                for (RawPeer p : peers) {
                    outcomes.merge(p.awaitClose(), 1, Integer::sum);
                    p.close();
                }
                long millis = Duration.ofNanos(System.nanoTime() - t0).toMillis();
                assertThat(outcomes.keySet()).as("each closed by the budget or by the receive timeout")
                        .isSubsetOf("1013 try again later: the server holds too many partly received messages",
                                "1008 message not received within 3 s of its start", "EOF");
                assertThat(outcomes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(attackers);
                assertThat(outcomes).containsKey("1013 try again later: the server holds too many partly received messages");
                watch.check("case 1 " + attackers + " connections x 200 KB partial messages, default 64 MiB budget", BOUND,
                        outcomes + " in " + millis + " ms");
                assertThat(watch.peakDirect()).as("direct memory: the budget, a read per connection, the pool's slack")
                        .isLessThan(base.direct() + ServerOptions.DEFAULT_PARTIAL_MESSAGE_BUDGET + 128 * MIB);
            } finally {
                for (RawPeer p : peers) {
                    p.close();
                }
            }
            base.awaitReturn(SLACK);
        }
    }

    @Test
    void twelveHundredStalledHandshakesFromOneAddressLockNobodyOut() throws Exception {
        try (HardLightServer server = HardLight.server(Counter.class, c -> new CounterHandler(null, null, null))
                .tls(TestServer.TLS).bind("127.0.0.1", 0).start();
             CounterClient bystander = HardLight.connect(URI.create("wss://127.0.0.1:" + server.port() + "/hl"),
                     ClientOptions.pinned(server.tlsFingerprint()), CounterClient.FACTORY)) {
            HostileLoad.Baseline base = HostileLoad.Baseline.of(server);
            InetAddress attacker = InetAddress.getByName("127.0.0.1");
            InetAddress neighbour = InetAddress.getByName("127.0.0.2");
            List<Socket> held = new ArrayList<>();
            try (HostileLoad.Watch watch = new HostileLoad.Watch(bystander)) {
                for (int i = 0; i < 1_200; i++) { // raw TCP, never a TLS byte
                    held.add(HostileLoad.connect(attacker, server.port(), false));
                }
                int upgraded = 0;
                for (int i = 0; i < 20; i++) {
                    try (Socket s = HostileLoad.connect(neighbour, server.port(), true); RawPeer peer = RawPeer.over(s)) {
                        s.getOutputStream().write(HostileLoad.upgradeRequest(server.port()));
                        peer.readAnswer();
                        assertThat(peer.status).as("another address still gets in").isEqualTo(101);
                        upgraded++;
                    }
                }
                // The attacker's next connection is refused: 503 while the server answers refusals, or,
                // with this many refusals waiting for their TLS handshakes, closed at once without one.
                String refusal;
                try (Socket s = HostileLoad.connect(attacker, server.port(), true); RawPeer peer = RawPeer.over(s)) {
                    s.getOutputStream().write(HostileLoad.upgradeRequest(server.port()));
                    peer.readAnswer();
                    refusal = peer.status + " " + peer.body;
                } catch (IOException e) {
                    refusal = "closed at once (" + e.getClass().getSimpleName() + ")";
                }
                assertThat(refusal).satisfiesAnyOf(r -> assertThat(r).startsWith("503 too many handshakes in progress from 127.0.0.1"),
                        r -> assertThat(r).startsWith("closed at once"));
                watch.check("case 5 1,200 stalled TLS handshakes from one address, default limits", BOUND,
                        upgraded + " of 20 neighbour upgrades, attacker's next: " + refusal);
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
            base.awaitReturn(SLACK);
        }
    }

    @Test
    void aThousandViolatingConnectionsLogAHundredWarnings() throws Exception {
        try (LogCapture logs = new LogCapture();
             HardLightServer server = HardLight.server(Counter.class, c -> new CounterHandler(null, null, null))
                     .insecurePlaintext().bind("127.0.0.1", 0).start();
             CounterClient bystander = client(server)) {
            HostileLoad.Baseline base = HostileLoad.Baseline.of(server);
            long t0 = System.nanoTime();
            try (HostileLoad.Watch watch = new HostileLoad.Watch(bystander)) {
                for (int i = 0; i < 1_000; i++) {
                    try (RawPeer p = RawPeer.open(server.port())) {
                        p.send(true, RawPeer.TEXT, "hi".getBytes(StandardCharsets.UTF_8));
                        assertThat(p.awaitClose()).startsWith("1003 ");
                    }
                }
                long millis = Duration.ofNanos(System.nanoTime() - t0).toMillis();
                List<String> warnings = logs.lines().stream()
                        .filter(l -> l.contains(" WARN ") && l.contains("protocol violation")).toList();
                assertThat(warnings).as("at most 100 WARN lines per 10 s").hasSizeLessThanOrEqualTo(100 * (1 + (int) (millis / 10_000)));
                assertThat(warnings).allMatch(l -> l.contains("[hl-conn "));
                watch.check("case 7 1,000 violating connections", BOUND, warnings.size() + " WARN lines for 1,000 violations in "
                        + millis + " ms");
            }
            base.awaitReturn(SLACK);
        }
    }
}
