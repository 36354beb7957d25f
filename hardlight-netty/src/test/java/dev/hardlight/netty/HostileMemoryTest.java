package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Case 1 of issue 20: partly received messages must not pin the server's memory. A client that
 * sends nearly all of a large frame and then trickles (which keeps the idle timer quiet) is closed
 * once the message receive timeout passes; partial messages over all connections share a budget,
 * beyond which the connection pushing over it is closed with 1013 while small messages carry on.
 */
@ExtendWith(LeakDetection.class)
@Timeout(60)
class HostileMemoryTest {
    private static final Duration BOUND = Duration.ofSeconds(2);
    private static final long SLACK = 32L << 20;

    /** The first bytes of a masked binary frame of {@code length} bytes: header, mask key, and {@code sent} payload bytes. */
    private static byte[] partialFrame(int length, int sent) {
        byte[] whole = RawPeer.frame(0x80 | RawPeer.BINARY, new byte[length], true);
        byte[] part = new byte[whole.length - length + sent];
        System.arraycopy(whole, 0, part, 0, part.length);
        return part;
    }

    private static CounterClient client(HardLightServer server) {
        return HardLight.connect(URI.create("ws://127.0.0.1:" + server.port() + "/hl"),
                ClientOptions.builder().insecurePlaintext().build(), CounterClient.FACTORY);
    }

    @Test
    void aTricklingNearlyCompleteMessageIsClosedAtTheReceiveTimeout() throws Exception {
        try (HardLightServer server = HardLight.server(Counter.class, c -> new CounterHandler(null, null, null))
                .insecurePlaintext().bind("127.0.0.1", 0).messageReceiveTimeout(Duration.ofSeconds(1)).start();
             CounterClient bystander = client(server)) {
            HostileLoad.Baseline base = HostileLoad.Baseline.of(server);
            int attackers = 20;
            List<RawPeer> peers = new ArrayList<>();
            long t0 = System.nanoTime();
            try (HostileLoad.Watch watch = new HostileLoad.Watch(bystander)) {
                for (int i = 0; i < attackers; i++) {
                    RawPeer p = RawPeer.open(server.port());
                    p.sendBytes(partialFrame(1024 * 1024, 1024 * 1024 - 10));
                    peers.add(p);
                }
                // One byte each every 200 ms: the idle timer never fires; the receive timeout does.
                List<String> closes = new ArrayList<>();
                for (int round = 0; round < 25 && closes.size() < attackers; round++) {
                    Thread.sleep(200);
                    for (RawPeer p : peers) {
                        try {
                            p.sendBytes(new byte[] {0});
                        } catch (IOException e) {
                            // closed already
                        }
                    }
                }
                for (RawPeer p : peers) {
                    closes.add(p.awaitClose());
                    p.close();
                }
                assertThat(closes).allMatch(c -> c.equals("1008 message not received within 1 s of its start"));
                watch.check("case 1 " + attackers + " trickling 1 MiB messages", BOUND, "all closed 1008 after "
                        + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms");
            }
            base.awaitReturn(SLACK);
        }
    }

    @Test
    void partialMessagesShareABudgetAndTheOnesBeyondItAreClosedWith1013() throws Exception {
        try (HardLightServer server = HardLight.server(Counter.class, c -> new CounterHandler(null, null, null))
                .insecurePlaintext().bind("127.0.0.1", 0).partialMessageBudget(1024 * 1024).start();
             CounterClient bystander = client(server)) {
            HostileLoad.Baseline base = HostileLoad.Baseline.of(server);
            List<RawPeer> peers = new ArrayList<>();
            try (HostileLoad.Watch watch = new HostileLoad.Watch(bystander)) {
                // Ten connections each holding 300 KB of a 1 MiB message: three fit in the 1 MiB budget.
                for (int i = 0; i < 10; i++) {
                    RawPeer p = RawPeer.open(server.port());
                    peers.add(p);
                    try {
                        p.sendBytes(partialFrame(1024 * 1024, 300_000));
                    } catch (IOException e) {
                        // refused (1013) and closed while still writing
                    }
                }
                int refused = 0;
                int held = 0;
                for (RawPeer p : peers) {
                    p.socket.setSoTimeout(1_500);
                    String close;
                    try {
                        close = p.awaitClose();
                    } catch (java.net.SocketTimeoutException e) {
                        close = "held";
                    }
                    if (close.equals("held")) {
                        held++;
                    } else {
                        assertThat(close).isEqualTo("1013 try again later: the server holds too many partly received messages");
                        refused++;
                    }
                }
                assertThat(held).as("the partial messages within the budget are kept").isBetween(1, 3);
                assertThat(refused).isEqualTo(10 - held);
                assertThat(bystander.increment(1)).as("small messages carry on").isPositive();
                watch.check("case 1 ten 300 KB partial messages, 1 MiB budget", BOUND, held + " held, " + refused + " closed 1013");
            } finally {
                for (RawPeer p : peers) {
                    p.close();
                }
            }
            base.awaitReturn(SLACK);
        }
    }
}
