package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A server recording each connection to a file of its own, within a per-file and a total cap. */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class ServerRecordingTest {
    @TempDir
    Path dir;

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private List<Path> awaitFiles(int count) throws InterruptedException {
        Await.until(count + " recordings in " + dir, Duration.ofSeconds(10), () -> {
            try {
                return files().size() == count;
            } catch (IOException e) {
                return false;
            }
        });
        try {
            return files();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void eachConnectionIsRecordedToAFileNamedByItsTimeAndId() throws Exception {
        try (TestServer server = TestServer.start(b -> b.record(dir))) {
            try (CounterClient c = server.connect()) {
                assertThat(c.increment(5)).isEqualTo(5);
            }
            Path file = awaitFiles(1).get(0);
            assertThat(file.getFileName().toString()).matches("\\d{8}T\\d{6}\\.\\d{3}Z-\\d+\\.hlrec");
            Recording r = RecordingTest.awaitComplete(file);
            assertThat(r.side()).isEqualTo(Recording.Side.SERVER);
            assertThat(r.target()).startsWith("127.0.0.1:");
            assertThat(r.service()).isEqualTo("Counter");
            assertThat(r.entries().get(0).direction()).as("the server reads the upgrade first").isEqualTo(Recording.Direction.READ);
            assertThat(r.decode()).extracting(Recording.Frame::sender, Recording.Frame::type, Recording.Frame::summary)
                    .containsExactly(
                            org.assertj.core.api.Assertions.tuple(Recording.Side.CLIENT, "HTTP", "GET /hl HTTP/1.1, protocol hardlight.v1"),
                            org.assertj.core.api.Assertions.tuple(Recording.Side.SERVER, "HTTP",
                                    "HTTP/1.1 101 Switching Protocols, protocol hardlight.v1"),
                            org.assertj.core.api.Assertions.tuple(Recording.Side.SERVER, "HELLO", r.decode().get(2).summary()),
                            org.assertj.core.api.Assertions.tuple(Recording.Side.CLIENT, "CALL", "increment(0a)"),
                            org.assertj.core.api.Assertions.tuple(Recording.Side.SERVER, "RESULT", "0a"),
                            org.assertj.core.api.Assertions.tuple(Recording.Side.CLIENT, "WS_CLOSE", "1000 \"closed by the client\""),
                            org.assertj.core.api.Assertions.tuple(Recording.Side.SERVER, "WS_CLOSE", r.decode().get(6).summary()));
        }
    }

    @Test
    void aBatchIsRecordedAsOneLineNamingEachInnerFrame() throws Exception {
        try (TestServer server = TestServer.start(b -> b.record(dir).inlineNonBlockingHandlers(true))) {
            RawWebSocket raw = RawWebSocket.connect(server.uri());
            dev.hardlight.internal.protocol.Hello hello = dev.hardlight.internal.protocol.Frames.readHello(
                    io.netty.buffer.Unpooled.wrappedBuffer(raw.take()));
            int id = hello.methods().stream().filter(m -> m.name().equals("increment")).findFirst().orElseThrow().id();
            // BATCH of two CALLs: increment(5) as call 0, increment(1) as call 1
            raw.ws.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {0x0f, 2, 4, 2, 0, (byte) id, 10, 4, 2, 1, (byte) id, 2}), true)
                    .get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(raw.take()[0]).as("the answers, as one BATCH").isEqualTo((byte) 0x0f);
            raw.ws.sendClose(1000, "").get(5, java.util.concurrent.TimeUnit.SECONDS);
            raw.closed.get(5, java.util.concurrent.TimeUnit.SECONDS);
            Recording r = RecordingTest.awaitComplete(awaitFiles(1).get(0));
            assertThat(r.decode()).filteredOn(f -> f.type().equals("BATCH"))
                    .extracting(Recording.Frame::sender, Recording.Frame::summary)
                    .containsExactly(
                            org.assertj.core.api.Assertions.tuple(Recording.Side.CLIENT, "CALL #0 increment(0a); CALL #1 increment(02)"),
                            org.assertj.core.api.Assertions.tuple(Recording.Side.SERVER, "RESULT #0 0a; RESULT #1 0c"));
        }
    }

    @Test
    void theFilesOfAServerNeverSumPastItsTotal() throws Exception {
        long perConnection = 8 * 1024;
        long total = 20 * 1024;
        try (TestServer server = TestServer.start(b -> b.record(dir, perConnection, total))) {
            CounterClient first = server.connect();
            CounterClient second = server.connect();
            // 4 KiB left: less than a file's cap, so the third connection is not recorded.
            try (CounterClient third = server.connect()) {
                assertThat(third.increment(1)).isEqualTo(1);
            }
            first.close();
            second.close();
            for (Path f : awaitFiles(2)) {
                RecordingTest.awaitComplete(f); // its unused reservation is back in the total
            }
            try (CounterClient fourth = server.connect()) {
                assertThat(fourth.increment(1)).isEqualTo(1); // a handler per connection
            }
            List<Path> files = awaitFiles(3);
            long sum = 0;
            for (Path f : files) {
                RecordingTest.awaitComplete(f);
                sum += Files.size(f);
            }
            assertThat(sum).isLessThanOrEqualTo(total);
        }
    }

    @Test
    void recordOptionsAreChecked() {
        ServerBuilder<Counter> b = HardLight.server(Counter.class, c -> new CounterHandler(null, null, null));
        assertThatThrownBy(() -> b.record(dir.resolve("missing")))
                .hasMessage("record directory: " + dir.resolve("missing") + " (expected: an existing directory)");
        assertThatThrownBy(() -> b.record(dir, 1024, 1L << 20))
                .hasMessage("record maxBytesPerConnection: 1024 (expected: 8192..1073741824)");
        assertThatThrownBy(() -> b.record(dir, 16 * 1024, 8 * 1024))
                .hasMessage("record maxTotalBytes: 8192 (expected: >= maxBytesPerConnection 16384)");
    }
}
