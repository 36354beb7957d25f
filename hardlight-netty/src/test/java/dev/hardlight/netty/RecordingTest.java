package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Recording a live connection's bytes and replaying them through the decoders. */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class RecordingTest {
    @TempDir
    Path dir;

    /** Waits until the recorder has written the file's last record (shortly after the connection closed). */
    static Recording awaitComplete(Path file) throws InterruptedException {
        AtomicReference<Recording> recording = new AtomicReference<>();
        AtomicReference<String> last = new AtomicReference<>();
        try {
            Await.until("a complete recording in " + file, Duration.ofSeconds(10), () -> {
                try {
                    Recording r = Recording.read(file);
                    recording.set(r);
                    last.set(r.toString());
                    return !r.isCutShort(); // a file still being written reads as cut short
                } catch (IOException e) {
                    last.set(e.getMessage());
                    return false;
                }
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": " + last.get(), e);
        }
        return recording.get();
    }

    @Test
    void replayingARecordedTlsConnectionGivesTheFramesThatWereExchanged() throws Exception {
        Path file = dir.resolve("counter.hlrec");
        try (TestServer server = TestServer.start()) {
            try (CounterClient c = HardLight.connect(server.uri(), server.pinned().toBuilder().record(file).build(), CounterClient.FACTORY)) {
                assertThat(c.increment(1)).isEqualTo(1);
                assertThat(c.increment(2)).isEqualTo(3);
                assertThatThrownBy(() -> c.fail("declared")).isInstanceOf(CounterException.class);
            }
            Recording r = awaitComplete(file);
            assertThat(r.side()).isEqualTo(Recording.Side.CLIENT);
            assertThat(r.target()).isEqualTo(server.uri().toString());
            assertThat(r.service()).isEqualTo("Counter");
            assertThat(r.fingerprint()).hasSize(64);
            assertThat(r.isTruncated()).isFalse();
            assertThat(r.entries()).extracting(Recording.Entry::direction)
                    .contains(Recording.Direction.READ, Recording.Direction.WRITE);

            List<Recording.Frame> frames = r.decode();
            assertThat(frames).extracting(Recording.Frame::sender, Recording.Frame::type, Recording.Frame::callId).containsExactly(
                    tuple(Recording.Side.CLIENT, "HTTP", -1),
                    tuple(Recording.Side.SERVER, "HTTP", -1),
                    tuple(Recording.Side.SERVER, "HELLO", -1),
                    tuple(Recording.Side.CLIENT, "CALL", 0),
                    tuple(Recording.Side.SERVER, "RESULT", 0),
                    tuple(Recording.Side.CLIENT, "CALL", 0),
                    tuple(Recording.Side.SERVER, "RESULT", 0),
                    tuple(Recording.Side.CLIENT, "CALL", 0),
                    tuple(Recording.Side.SERVER, "ERROR", 0),
                    tuple(Recording.Side.CLIENT, "WS_CLOSE", -1),
                    tuple(Recording.Side.SERVER, "WS_CLOSE", -1));
            assertThat(frames).extracting(Recording.Frame::summary).containsExactly(
                    "GET /hl HTTP/1.1, protocol hardlight.v1",
                    "HTTP/1.1 101 Switching Protocols, protocol hardlight.v1",
                    frames.get(2).summary(),
                    "increment(02)", // ZigZag 1
                    "02",
                    "increment(04)",
                    "06", // 3
                    "fail(08 64 65 63 6c 61 72 65 64)", // "declared"
                    "APPLICATION_ERROR \"counter says no\" declared exception 0",
                    "1000 \"closed by the client\"",
                    frames.get(10).summary());
            assertThat(frames.get(2).summary()).startsWith("v1 Counter fingerprint " + r.fingerprint().substring(0, 16))
                    .contains("methods [increment=0 fail=1 block=2 probe=3]");
            assertThat(frames.get(10).summary()).startsWith("1000");
            assertThat(frames).extracting(Recording.Frame::timeNanos).isSorted();

            assertThat(printed(r).lines().toList()).hasSize(1 + frames.size())
                    .element(4).asString().matches(" *[0-9.]+ ms {2}client {2}CALL {10}#0 increment\\(02\\)");
        }
    }

    @Test
    void aCompressedConnectionReplaysThroughPermessageDeflate() throws Exception {
        Path file = dir.resolve("compressed.hlrec");
        String big = "x".repeat(4000);
        try (TestServer server = TestServer.start(b -> b.compression(Compression.deflate(0)))) {
            try (CounterClient c = HardLight.connect(server.uri(), server.pinned().toBuilder().compression(Compression.deflate(0)).record(file).build(), CounterClient.FACTORY)) {
                assertThat(c.fail(big)).isEqualTo(big);
            }
            Recording r = awaitComplete(file);
            long wireBytes = r.entries().stream().mapToLong(e -> e.bytes().length).sum();
            assertThat(wireBytes).as("compressed on the wire").isLessThan(2000);
            List<Recording.Frame> frames = r.decode();
            assertThat(frames).extracting(Recording.Frame::type)
                    .containsExactly("HTTP", "HTTP", "HELLO", "CALL", "RESULT", "WS_CLOSE", "WS_CLOSE");
            assertThat(frames.get(1).summary()).contains("permessage-deflate");
            assertThat(frames.get(4).summary()).as("the inflated result: length 4000, then x...")
                    .startsWith("a0 1f 78 78 78").endsWith("(4002 bytes)");
        }
    }

    @Test
    void aRecordingThatReachesItsCapStopsWithATruncationMarker() throws Exception {
        Path file = dir.resolve("capped.hlrec");
        long cap = 16 * 1024;
        try (TestServer server = TestServer.start()) {
            try (CounterClient c = HardLight.connect(server.uri(), server.pinned().toBuilder().record(file, cap).build(), CounterClient.FACTORY)) {
                String kilobyte = "k".repeat(1024);
                for (int i = 0; i < 40; i++) {
                    assertThat(c.fail(kilobyte)).isEqualTo(kilobyte); // 40 KiB each way: far past the cap
                }
            }
            Recording r = awaitComplete(file);
            assertThat(Files.size(file)).isLessThanOrEqualTo(cap);
            assertThat(r.isTruncated()).isTrue();
            assertThat(r.truncationReason()).isEqualTo("the recording reached its cap of 16384 bytes");
            // What was recorded before the cap still decodes.
            List<Recording.Frame> frames = r.decode();
            assertThat(frames).extracting(Recording.Frame::type).startsWith("HTTP", "HTTP", "HELLO", "CALL", "RESULT")
                    .doesNotContain("WS_CLOSE", "MALFORMED");
            assertThat(printed(r)).endsWith("# truncated: the recording reached its cap of 16384 bytes\n");
        }
    }

    @Test
    void recordOptionsAreChecked() {
        ClientOptions.Builder b = ClientOptions.builder();
        assertThatThrownBy(() -> b.record(dir.resolve("x.hlrec"), 100))
                .hasMessage("record maxBytes: 100 (expected: 8192..1073741824)");
        assertThatThrownBy(() -> b.record(dir.resolve("no-such-dir").resolve("x.hlrec")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("an existing directory");
        ClientOptions o = b.record(dir.resolve("x.hlrec")).build();
        assertThat(o.recordFile()).isEqualTo(dir.resolve("x.hlrec"));
        assertThat(o.recordMaxBytes()).isEqualTo(ClientOptions.DEFAULT_RECORD_MAX_BYTES);
        assertThat(o.toBuilder().record(null).build().recordFile()).isNull();
    }

    /** What {@code r.print} prints, with {@code \n} line ends. */
    static String printed(Recording r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        r.print(new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }
}
