package dev.hardlight.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.netty.CounterSchema;
import dev.hardlight.netty.Recording;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The recorder in a pipeline of its own: what it passes on, what it writes, and a disk that does not keep up. */
@Timeout(30)
class RecorderTest {
    private static final URI TARGET = URI.create("wss://example.test/hl");

    @TempDir
    Path dir;

    /** A client's recorder that keeps credentials: these tests pass bytes that are not HTTP. */
    private static Recorder recorder(Path file, long maxBytes) {
        return Recorder.client(new RecordingConfig(file, maxBytes, true), TARGET, CounterSchema.DESCRIPTOR, "[test] ");
    }

    private static RecordingReader.Contents awaitComplete(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            String why;
            try {
                RecordingReader.Contents c = RecordingReader.read(file);
                if (c.cut() == null) {
                    return c;
                }
                why = c.cut(); // still being written
            } catch (IOException e) {
                why = e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no complete recording: " + why);
            }
            Thread.sleep(10); // polling the file the writer thread completes
        }
    }

    @Test
    void passesBuffersOnUntouchedAndRecordsEachReadAndWrite() throws Exception {
        Path file = dir.resolve("r.hlrec");
        EmbeddedChannel ch = new EmbeddedChannel(recorder(file, 1 << 20));
        ch.writeInbound(Unpooled.copiedBuffer("upgrade", StandardCharsets.US_ASCII));
        ch.writeOutbound(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII));
        ch.writeInbound(Unpooled.copiedBuffer("more", StandardCharsets.US_ASCII));
        assertThat(readAll(ch, true)).containsExactly("upgrade", "more");
        assertThat(readAll(ch, false)).containsExactly("hello");
        ch.finishAndReleaseAll();

        RecordingReader.Contents c = awaitComplete(file);
        assertThat(c.side()).isEqualTo(Recording.Side.CLIENT);
        assertThat(c.fields()).containsEntry("target", TARGET.toString()).containsEntry("service", "Counter")
                .containsEntry("fingerprint", CounterSchema.DESCRIPTOR.fingerprintHex());
        assertThat(c.truncation()).isNull();
        assertThat(c.entries()).extracting(Recording.Entry::direction)
                .containsExactly(Recording.Direction.READ, Recording.Direction.WRITE, Recording.Direction.READ);
        assertThat(c.entries()).extracting(e -> new String(e.bytes(), StandardCharsets.US_ASCII))
                .containsExactly("upgrade", "hello", "more");
        assertThat(c.entries()).extracting(Recording.Entry::timeNanos).isSorted();
    }

    @Test
    void aDiskThatDoesNotKeepUpTruncatesTheRecordingInsteadOfWaiting() throws Exception {
        // A FIFO nobody reads yet: the writer thread blocks opening it, as on a disk that stalls.
        Path fifo = dir.resolve("stalled.hlrec");
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (IOException e) {
            Assumptions.abort("no mkfifo here: " + e.getMessage());
            return;
        }
        Assumptions.assumeTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo failed");

        EmbeddedChannel ch = new EmbeddedChannel(recorder(fifo, RecordingFormat.MAX_MAX_BYTES));
        byte[] megabyte = new byte[1024 * 1024];
        for (int i = 0; i < 6; i++) { // 6 MiB, more than the 4 MiB allowed to wait: never blocks
            ch.writeInbound(Unpooled.wrappedBuffer(megabyte));
            ((ByteBuf) ch.readInbound()).release();
        }
        // Now read the FIFO, as a disk that catches up.
        CompletableFuture<byte[]> bytes = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        ch.finishAndReleaseAll();
        Path copy = Files.write(dir.resolve("copy.hlrec"), bytes.get(10, TimeUnit.SECONDS));
        RecordingReader.Contents c = RecordingReader.read(copy);
        assertThat(c.entries()).as("the header and 3 MiB waited; the 4th MiB did not fit").hasSize(3);
        assertThat(c.truncation()).startsWith("the disk did not keep up: over 4194304 bytes were waiting to be written");
    }

    @Test
    void masksCredentialsInACopyWhileTheConnectionGetsTheRealBytes() throws Exception {
        Path file = dir.resolve("masked.hlrec");
        URI target = URI.create("wss://example.test/hl?room=lobby&token=s3cr3t");
        EmbeddedChannel ch = new EmbeddedChannel(Recorder.client(new RecordingConfig(file, 1 << 20, false), target,
                CounterSchema.DESCRIPTOR, "[test] "));
        String request = "GET /hl?room=lobby&token=s3cr3t HTTP/1.1\r\nHost: example.test\r\nAuthorization: Bearer abc.def\r\n"
                + "Cookie: sid=42\r\n\r\n";
        String response = "HTTP/1.1 101 Switching Protocols\r\nSet-Cookie: sid=43; Secure\r\n\r\n";
        String frames = "\u0082\u0001\u0007"; // bytes after the head: never touched
        int split = request.indexOf("Bearer") + 3; // the value split across two writes
        ch.writeOutbound(Unpooled.copiedBuffer(request.substring(0, split), StandardCharsets.ISO_8859_1));
        ch.writeOutbound(Unpooled.copiedBuffer(request.substring(split), StandardCharsets.ISO_8859_1));
        ch.writeInbound(Unpooled.copiedBuffer(response + frames, StandardCharsets.ISO_8859_1));
        assertThat(String.join("", readAll(ch, false))).isEqualTo(request);
        assertThat(readAll(ch, true)).containsExactly(response + frames);
        ch.finishAndReleaseAll();

        RecordingReader.Contents c = awaitComplete(file);
        assertThat(c.fields()).containsEntry("target", "wss://example.test/hl?room=*****&token=******")
                .containsEntry("credentials", "redacted");
        assertThat(c.entries()).extracting(e -> new String(e.bytes(), StandardCharsets.ISO_8859_1)).containsExactly(
                "GET /hl?room=*****&token=****** HTTP/1.1\r\nHost: example.test\r\nAuthorization: ***".substring(0, split),
                "***********\r\nCookie: ******\r\n\r\n",
                "HTTP/1.1 101 Switching Protocols\r\nSet-Cookie: **************\r\n\r\n" + frames);
    }

    @Test
    void aHeadTooLongToExamineStopsTheRecording() throws Exception {
        Path file = dir.resolve("long.hlrec");
        EmbeddedChannel ch = new EmbeddedChannel(Recorder.client(new RecordingConfig(file, 1 << 20, false), TARGET,
                CounterSchema.DESCRIPTOR, "[test] "));
        ch.writeOutbound(Unpooled.copiedBuffer("GET /hl HTTP/1.1\r\n", StandardCharsets.US_ASCII));
        String header = "X-Padding: " + "p".repeat(1000) + "\r\n";
        for (int i = 0; i < 17; i++) { // 17 KiB of headers and no end: more than any HTTP decoder here accepts
            ch.writeOutbound(Unpooled.copiedBuffer(header, StandardCharsets.US_ASCII));
        }
        assertThat(readAll(ch, false)).as("the connection is not affected").hasSize(18);
        ch.finishAndReleaseAll();

        RecordingReader.Contents c = awaitComplete(file);
        assertThat(c.entries()).as("what was examined before the limit").hasSize(1 + 16);
        assertThat(c.truncation()).isEqualTo("the HTTP request head did not end within 16384 bytes: not recorded, it could "
                + "hold credentials that were not masked");
    }

    /** A server's recorder for several services (credentials kept: the bytes here are not all HTTP). */
    private static Recorder serverRecorder(Path file, long maxBytes, java.util.function.LongConsumer finished) {
        return Recorder.server(file, maxBytes, true, 7, "127.0.0.1:5000",
                List.of(CounterSchema.DESCRIPTOR, dev.hardlight.service.Services.descriptor(dev.hardlight.netty.Chat.class)),
                finished, "[test] ");
    }

    @Test
    void withSeveralServicesTheHeaderNamesTheOneTheRequestPickedAndKeepsTheReadsBeforeIt() throws Exception {
        Path file = dir.resolve("chat.hlrec");
        java.util.concurrent.atomic.AtomicLong size = new java.util.concurrent.atomic.AtomicLong(-1);
        Recorder recorder = serverRecorder(file, 1 << 20, size::set);
        EmbeddedChannel ch = new EmbeddedChannel(recorder);
        ch.writeInbound(Unpooled.copiedBuffer("GET /chat", StandardCharsets.US_ASCII));
        ch.writeInbound(Unpooled.copiedBuffer(" HTTP/1.1", StandardCharsets.US_ASCII));
        recorder.service(dev.hardlight.service.Services.descriptor(dev.hardlight.netty.Chat.class));
        recorder.service(CounterSchema.DESCRIPTOR); // once written, the header stays
        ch.writeOutbound(Unpooled.copiedBuffer("101", StandardCharsets.US_ASCII));
        ch.writeInbound(Unpooled.copiedBuffer("frames", StandardCharsets.US_ASCII));
        assertThat(readAll(ch, true)).containsExactly("GET /chat", " HTTP/1.1", "frames");
        ch.finishAndReleaseAll();

        RecordingReader.Contents c = awaitComplete(file);
        assertThat(c.side()).isEqualTo(Recording.Side.SERVER);
        assertThat(c.fields()).containsEntry("service", "Chat")
                .containsEntry("fingerprint", dev.hardlight.service.Services.descriptor(dev.hardlight.netty.Chat.class).fingerprintHex())
                .containsEntry("connection", "7").containsEntry("target", "127.0.0.1:5000");
        assertThat(c.entries()).extracting(e -> new String(e.bytes(), StandardCharsets.US_ASCII))
                .containsExactly("GET /chat", " HTTP/1.1", "101", "frames");
        assertThat(c.entries()).extracting(Recording.Entry::timeNanos).isSorted();
        assertThat(size.get()).as("the size told to the server's total is the file's").isEqualTo(Files.size(file));
    }

    @Test
    void withSeveralServicesAnAnswerBeforeAnyServiceWritesAHeaderNamingNone() throws Exception {
        Path file = dir.resolve("none.hlrec");
        java.util.concurrent.atomic.AtomicLong size = new java.util.concurrent.atomic.AtomicLong(-1);
        EmbeddedChannel ch = new EmbeddedChannel(serverRecorder(file, 1 << 20, size::set));
        ch.writeInbound(Unpooled.copiedBuffer("GET /nope HTTP/1.1", StandardCharsets.US_ASCII));
        ch.writeOutbound(Unpooled.copiedBuffer("HTTP/1.1 404", StandardCharsets.US_ASCII));
        ch.finishAndReleaseAll();

        RecordingReader.Contents c = awaitComplete(file);
        assertThat(c.fields()).doesNotContainKeys("service", "fingerprint").containsEntry("connection", "7");
        assertThat(c.entries()).extracting(e -> new String(e.bytes(), StandardCharsets.US_ASCII))
                .containsExactly("GET /nope HTTP/1.1", "HTTP/1.1 404");
        assertThat(size.get()).isEqualTo(Files.size(file));

        Path closed = dir.resolve("closed.hlrec"); // the client went away before any answer
        EmbeddedChannel ch2 = new EmbeddedChannel(serverRecorder(closed, 1 << 20, s -> {}));
        ch2.writeInbound(Unpooled.copiedBuffer("GET", StandardCharsets.US_ASCII));
        ch2.finishAndReleaseAll();
        RecordingReader.Contents c2 = awaitComplete(closed);
        assertThat(c2.fields()).doesNotContainKey("service");
        assertThat(c2.entries()).extracting(e -> new String(e.bytes(), StandardCharsets.US_ASCII)).containsExactly("GET");
    }

    @Test
    void withSeveralServicesTheReadsHeldForTheHeaderAreBounded() throws Exception {
        Path file = dir.resolve("held.hlrec");
        EmbeddedChannel ch = new EmbeddedChannel(serverRecorder(file, 64L << 20, s -> {}));
        byte[] megabyte = new byte[1024 * 1024];
        for (int i = 0; i < 5; i++) { // 5 MiB before any service: more than the 4 MiB that may be held
            ch.writeInbound(Unpooled.wrappedBuffer(megabyte));
            ((ByteBuf) ch.readInbound()).release();
        }
        ch.finishAndReleaseAll();
        RecordingReader.Contents c = awaitComplete(file);
        assertThat(c.entries()).as("the reads held before the limit").hasSize(3);
        assertThat(c.truncation()).startsWith("over ").endsWith(" bytes arrived before the request named its service");
    }

    private static List<String> readAll(EmbeddedChannel ch, boolean inbound) {
        List<String> out = new java.util.ArrayList<>();
        for (ByteBuf b = inbound ? ch.readInbound() : ch.readOutbound(); b != null; b = inbound ? ch.readInbound() : ch.readOutbound()) {
            out.add(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return out;
    }
}
