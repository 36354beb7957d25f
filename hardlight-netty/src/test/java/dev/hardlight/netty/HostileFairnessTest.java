package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.internal.codec.ByteBufWireWriter;
import dev.hardlight.internal.protocol.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Case 4 of issue 20, the work one read may take: a peer that packs tens of thousands of tiny CALL
 * frames into every read (each answered inline on the I/O thread, the cheapest path there is) must not
 * hold the event loop for its whole read batch. The server handles at most a turn's share of frames,
 * then serves the other connections of the loop, then the next share; a bystander on the same (only)
 * I/O thread keeps getting answers within a bound, and every one of the attacker's calls is answered
 * all the same, in order, none lost.
 */
@ExtendWith(LeakDetection.class)
@Timeout(60)
class HostileFairnessTest {
    /**
     * Generous (the machine is shared, and paranoid leak detection makes every frame dear): without the
     * limit, one read batch of this attack held the I/O thread for longer than the whole test waits.
     */
    private static final Duration BOUND = Duration.ofSeconds(2);

    /** A masked CALL frame: call id 0, method 0 (increment), argument 1. */
    private static byte[] call() {
        ByteBuf buf = Unpooled.buffer();
        buf.writeByte(FrameType.CALL).writeByte(0).writeByte(0);
        new ByteBufWireWriter(buf).writeInt(1);
        byte[] payload = ByteBufUtil.getBytes(buf);
        buf.release();
        return RawPeer.frame(0x80 | RawPeer.BINARY, payload, true);
    }

    /** Counts the server's RESULT frames (unmasked, short) on {@code in} until the stream ends. */
    private static void countResults(InputStream raw, AtomicLong results) {
        try (InputStream in = new BufferedInputStream(raw, 1 << 16)) {
            while (true) {
                int b0 = in.read();
                int b1 = in.read();
                if (b0 < 0 || b1 < 0) {
                    return;
                }
                int len = b1 & 0x7F;
                if (len == 126) {
                    len = in.read() << 8 | in.read();
                }
                byte[] payload = in.readNBytes(len);
                if ((b0 & 0x0F) == RawPeer.BINARY && payload.length > 0 && payload[0] == FrameType.RESULT) {
                    results.incrementAndGet();
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    @Test
    void aPeerPackingThousandsOfFramesIntoEachReadDoesNotHoldTheEventLoop() throws Exception {
        try (HardLightServer server = HardLight.server(Counter.class, c -> new CounterHandler(null, null, null))
                .insecurePlaintext().bind("127.0.0.1", 0).ioThreads(1).inlineNonBlockingHandlers(true).start();
             CounterClient bystander = HardLight.connect(URI.create("ws://127.0.0.1:" + server.port() + "/hl"),
                     ClientOptions.builder().insecurePlaintext().build(), CounterClient.FACTORY)) {
            HostileLoad.Baseline base = HostileLoad.Baseline.of(server);
            int perChunk = 20_000;
            int chunks = 5;
            byte[] one = call();
            byte[] chunk = new byte[one.length * perChunk];
            for (int i = 0; i < perChunk; i++) {
                System.arraycopy(one, 0, chunk, i * one.length, one.length);
            }
            AtomicLong results = new AtomicLong();
            long t0 = System.nanoTime();
            try (RawPeer attacker = RawPeer.open(server.port()); HostileLoad.Watch watch = new HostileLoad.Watch(bystander)) {
                Thread reader = Thread.ofPlatform().daemon().name("attacker-reader")
                        .start(() -> {
                    try {
                        countResults(attacker.socket.getInputStream(), results);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                for (int i = 0; i < chunks; i++) {
                    attacker.sendBytes(chunk);
                }
                long calls = (long) perChunk * chunks;
                Await.until("all " + calls + " of the attacker's calls answered", Duration.ofSeconds(45),
                        () -> results.get() == calls);
                long millis = Duration.ofNanos(System.nanoTime() - t0).toMillis();
                watch.check("case 4 " + calls + " tiny CALLs packed " + perChunk + " a write, one I/O thread", BOUND,
                        "all answered in " + millis + " ms");
                attacker.close();
                reader.join(10_000);
            }
            base.awaitReturn(32L << 20);
        }
    }
}
