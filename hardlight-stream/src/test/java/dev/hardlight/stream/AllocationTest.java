package dev.hardlight.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.URI;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Steady state allocates nothing: after a warm-up, many 256-byte text round trips against the echo server,
 * sending, polling and decoding on this thread, and the bytes this thread allocated are counted
 * (ThreadMXBean). Not a timed test: it counts bytes.
 */
@Timeout(120)
class AllocationTest {

    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 50_000;

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private TestWebSocketServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestWebSocketServer.plain();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Counts echoes and checks their length; allocates nothing. */
    static final class Counter implements FrameHandler {
        long received;
        long bytes;

        @Override
        public void onFrame(WebSocket ws, Frame frame) {
            received++;
            bytes += frame.length();
        }
    }

    private static UnsafeBuffer payload() {
        byte[] b = new byte[256];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return new UnsafeBuffer(b);
    }

    private long roundTrips(WebSocket ws, Counter counter, UnsafeBuffer msg, int n) {
        long start = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < n; i++) {
            long expected = counter.received + 1;
            if (!ws.sendText(msg, 0, msg.capacity())) {
                throw new AssertionError("send refused");
            }
            while (counter.received < expected) {
                ws.poll();
                if (ws.state() != WebSocket.State.OPEN) {
                    throw new AssertionError("closed: " + ws);
                }
            }
        }
        return threads.getCurrentThreadAllocatedBytes() - start;
    }

    static Object sink;

    @Test
    void theCounterSeesAnAllocation() {
        long start = threads.getCurrentThreadAllocatedBytes();
        sink = new byte[4096];
        assertThat(threads.getCurrentThreadAllocatedBytes() - start).isGreaterThanOrEqualTo(4096);
    }

    @Test
    void aWebSocketRoundTripAllocatesNothing() throws Exception {
        Counter counter = new Counter();
        WebSocket ws = WebSocket.over(Streams.tcp(server.address()), server.uri(), WebSocketOptions.defaults(), counter);
        RecordingHandler.pollUntil(ws, () -> ws.state() == WebSocket.State.OPEN);
        UnsafeBuffer msg = payload();
        roundTrips(ws, counter, msg, WARM_UP);
        long allocated = roundTrips(ws, counter, msg, MEASURED);
        assertThat(counter.bytes).isEqualTo(256L * (WARM_UP + MEASURED));
        assertThat(allocated).as("bytes allocated over %d round trips", MEASURED).isLessThan(MEASURED / 100);
        ws.close();
    }

    @ParameterizedTest
    @EnumSource(SelectorKind.class)
    void theIoServiceAllocatesNothingPerMessage(SelectorKind kind) {
        UnsafeBuffer msg = payload();
        long[] received = new long[1];
        Endpoint<long[]> echo = new Endpoint<>() {
            @Override
            public URI uri() {
                return server.uri();
            }

            @Override
            public void onConnected(WebSocket ws, long[] count) {
                ws.sendText(msg, 0, msg.capacity());
            }

            @Override
            public void onFrame(WebSocket ws, Frame frame, long[] count) {
                count[0]++;
                ws.sendText(msg, 0, msg.capacity()); // the next round trip
            }
        };
        try (IoService<long[]> io = IoService.builder(received).selector(kind).build()) {
            io.register(echo);
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (received[0] < WARM_UP && System.nanoTime() < deadline) {
                io.poll();
            }
            long start = threads.getCurrentThreadAllocatedBytes();
            long target = received[0] + MEASURED;
            while (received[0] < target && System.nanoTime() < deadline) {
                io.poll();
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - start;
            assertThat(received[0]).isGreaterThanOrEqualTo(target);
            assertThat(allocated).as("bytes allocated over %d round trips with %s", MEASURED, kind).isLessThan(MEASURED / 100);
        }
    }
}
