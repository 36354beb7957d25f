package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recording files that are not version-1 recordings are refused with a message that says what is
 * wrong; a file cut short after its header reads up to its last complete record; malformed bytes
 * inside a valid recording decode to MALFORMED frames.
 */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class RecordingFileTest {
    @TempDir
    Path dir;
    private byte[] good;
    /** Where the first record starts: the header's length. */
    private int headerLength;

    @BeforeEach
    void readCommittedRecording() throws Exception {
        Path committed = RecordingRegressionTest.committed("chat-client-v1.hlrec");
        good = Files.readAllBytes(committed);
        Recording r = Recording.read(committed);
        headerLength = good.length - 13; // the END record
        for (Recording.Entry e : r.entries()) {
            headerLength -= 13 + e.bytes().length;
        }
    }

    private Path write(byte[] bytes) throws IOException {
        return Files.write(dir.resolve("r.hlrec"), bytes);
    }

    private void assertRefused(byte[] bytes, String message) throws IOException {
        Path file = write(bytes);
        assertThatThrownBy(() -> Recording.read(file)).isInstanceOf(IOException.class).hasMessageContaining(message);
    }

    @Test
    void refusesWhatIsNotARecording() throws IOException {
        assertRefused(new byte[0], "not a HardLight recording: " + dir.resolve("r.hlrec") + " does not start with the magic "
                + "bytes 48 4c 52 45 43 0d 0a 1a (\"HLREC\\r\\n\\x1a\"), it starts with nothing (an empty file)");
        assertRefused(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0},
                "does not start with the magic bytes 48 4c 52 45 43 0d 0a 1a (\"HLREC\\r\\n\\x1a\"), it starts with 89 50 4e 47 0d 0a 1a 0a");
    }

    @Test
    void refusesAnUnknownVersion() throws IOException {
        byte[] b = good.clone();
        b[9] = 2;
        assertRefused(b, ": recording format version 2 is not supported (this HardLight reads version 1): "
                + "read it with the HardLight that wrote it");
    }

    @Test
    void refusesAFileCutInItsHeader() throws IOException {
        assertRefused(Arrays.copyOf(good, 20), "truncated: the file ends inside the header (20 bytes)");
        assertRefused(Arrays.copyOf(good, headerLength - 1), "truncated: the file ends inside the header");
    }

    /** A crash can cut the file anywhere after its header: every cut reads, as the entries before it. */
    @Test
    void aFileCutAtAnyByteAfterItsHeaderReadsAsItsCompleteEntriesMarkedCutShort() throws IOException {
        List<Recording.Entry> all = Recording.read(write(good)).entries();
        long[] ends = new long[all.size()]; // where each entry's record ends
        long at = headerLength;
        for (int i = 0; i < all.size(); i++) {
            at += 13 + all.get(i).bytes().length;
            ends[i] = at;
        }
        for (int cut = headerLength; cut <= good.length; cut++) {
            Recording r = Recording.read(write(Arrays.copyOf(good, cut)));
            int complete = 0;
            while (complete < ends.length && ends[complete] <= cut) {
                complete++;
            }
            assertThat(r.entries()).as("cut at %d", cut).hasSize(complete);
            for (int i = 0; i < complete; i++) {
                Recording.Entry e = r.entries().get(i);
                assertThat(e.direction()).isEqualTo(all.get(i).direction());
                assertThat(e.timeNanos()).isEqualTo(all.get(i).timeNanos());
                assertThat(e.bytes()).isEqualTo(all.get(i).bytes());
            }
            assertThat(r.isCutShort()).as("cut at %d of %d", cut, good.length).isEqualTo(cut < good.length);
            assertThat(r.isTruncated()).isFalse();
            String[] lines = RecordingTest.printed(r).split("\n");
            assertThat(lines[lines.length - 1].startsWith("# cut short: the file ends ")).as("cut at %d", cut)
                    .isEqualTo(cut < good.length);
            assertThat(lines[0]).endsWith(cut < good.length ? ", cut short" : "reads and writes");
        }
    }

    @Test
    void theCutShortLineSaysWhereTheFileEnds() throws IOException {
        assertThat(RecordingTest.printed(Recording.read(write(Arrays.copyOf(good, headerLength + 5))))).endsWith(
                "# cut short: the file ends inside record 0 (at byte " + headerLength + "), in its header: the process that "
                        + "recorded it stopped before the connection closed (or is still recording); every complete record "
                        + "before is there\n");
        assertThat(RecordingTest.printed(Recording.read(write(Arrays.copyOf(good, headerLength + 20))))).contains(
                "# cut short: the file ends inside record 0 (at byte " + headerLength + "): 7 of its ");
        assertThat(RecordingTest.printed(Recording.read(write(Arrays.copyOf(good, good.length - 13))))).contains(
                "# cut short: the file ends after 11 records (" + (good.length - 13) + " bytes) without an END or TRUNCATED record");
    }

    @Test
    void refusesLengthsNoRecorderWrites() throws IOException {
        int lengthField = headerLength + 9; // kind, time, then the length of record 0
        for (int hostile : new int[] {-1, Integer.MAX_VALUE, (1 << 30) - 12}) {
            byte[] b = good.clone();
            ByteBuffer.wrap(b).putInt(lengthField, hostile);
            assertRefused(b, "corrupt: record 0 at byte " + headerLength + " (kind 2) declares " + Integer.toUnsignedString(hostile)
                    + " payload bytes, more than such a record can hold (1073741811)");
        }
        byte[] end = good.clone();
        ByteBuffer.wrap(end).putInt(good.length - 4, 1); // the END record with a payload
        assertRefused(concat(end, new byte[1]), "(kind 3) declares 1 payload bytes, more than such a record can hold (0)");
    }

    /** The test JVM has a 1 GiB heap: reading this would fail if the length were allocated before it was checked. */
    @Test
    void aLargeLengthPastTheEndOfTheFileAllocatesNothing() throws IOException {
        byte[] b = good.clone();
        ByteBuffer.wrap(b).putInt(headerLength + 9, (1 << 30) - 13);
        Recording r = Recording.read(write(b));
        assertThat(r.entries()).isEmpty();
        assertThat(r.isCutShort()).isTrue();
        assertThat(RecordingTest.printed(r)).contains("of its 1073741811 payload bytes are there");
    }

    @Test
    void refusesCorruptRecords() throws IOException {
        byte[] b = good.clone();
        b[headerLength] = 9;
        assertRefused(b, "corrupt: record 0 at byte " + headerLength + " has the unknown kind 9");
        assertRefused(Arrays.copyOf(b, headerLength + 1), "corrupt: record 0 at byte " + headerLength + " has the unknown kind 9");
        assertRefused(Arrays.copyOf(good, good.length + 1), "corrupt: bytes after the last record (at byte " + good.length + ")");
    }

    @Test
    void malformedBytesDecodeToMalformedFramesNotExceptions() throws IOException {
        String request = "GET /hl HTTP/1.1\r\nHost: x\r\nSec-WebSocket-Protocol: hardlight.v1\r\n\r\n";
        String response = "HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Protocol: hardlight.v1\r\n\r\n";
        byte[] unknownType = {(byte) 0x82, 2, 0x7f, 0x00}; // binary message, HardLight type 0x7f
        byte[] truncatedHello = {(byte) 0x82, 2, 0x01, 0x01}; // HELLO with only its version
        byte[] masked = {(byte) 0x82, (byte) 0x81, 1, 2, 3, 4, 5}; // a masked frame from the server
        Path file = write(recording(
                record(2, 1, request.getBytes(StandardCharsets.ISO_8859_1)),
                record(1, 2, concat(response.getBytes(StandardCharsets.ISO_8859_1), unknownType)),
                record(1, 3, truncatedHello),
                record(1, 4, masked),
                record(1, 5, unknownType), // never decoded: the server's direction is broken
                record(3, 6, new byte[0])));
        List<Recording.Frame> frames = Recording.read(file).decode();
        assertThat(frames).extracting(Recording.Frame::type)
                .containsExactly("HTTP", "HTTP", "MALFORMED", "MALFORMED", "MALFORMED");
        assertThat(frames.get(2).summary()).isEqualTo("unknown frame type 0x7f (7f 00)");
        assertThat(frames.get(3).summary()).startsWith("HELLO: ").contains("truncated");
        assertThat(frames.get(4).summary()).startsWith("WebSocket: ").contains("mask");
        assertThat(frames.get(4).timeNanos()).isEqualTo(4);
    }

    private static byte[] recording(byte[]... records) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {'H', 'L', 'R', 'E', 'C', '\r', '\n', 0x1a});
        out.writeShort(1); // version
        out.writeByte(1); // client
        out.writeLong(0); // started at the epoch
        out.writeShort(1);
        out.writeUTF("service"); // u16 length + UTF-8 for ASCII
        out.writeUTF("Test");
        for (byte[] r : records) {
            out.write(r);
        }
        return bytes.toByteArray();
    }

    private static byte[] record(int kind, long time, byte[] payload) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(kind);
        out.writeLong(time);
        out.writeInt(payload.length);
        out.write(payload);
        return bytes.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
