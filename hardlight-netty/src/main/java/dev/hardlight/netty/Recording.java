package dev.hardlight.netty;

import dev.hardlight.netty.internal.RecordingDecoder;
import dev.hardlight.netty.internal.RecordingFormat;
import dev.hardlight.netty.internal.RecordingReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A recording of one connection's bytes, read back from a file, and its replay: the bytes fed through
 * the same decoders as a live connection (HTTP upgrade, WebSocket frames with permessage-deflate when
 * negotiated, HardLight frames), giving the frames that were exchanged, in order, with their time.
 * For debugging a connection after the fact and for regression tests that pin what a peer sent.
 *
 * <p>Recordings are made by {@link ClientOptions.Builder#record(Path)} (one file per client
 * connection) and {@link ServerBuilder#record(Path)} (one file per server connection); the file format
 * is in {@code docs/recording.md}.
 *
 * <pre>{@code
 * Recording r = Recording.read(Path.of("counter.hlrec"));
 * r.print(System.out);                         // one line per frame
 * for (Recording.Frame f : r.decode()) { ... } // or inspect them
 * }</pre>
 *
 * <p>Both sides record the same way: every buffer of plaintext bytes read and written (after TLS, so
 * the upgrade, the WebSocket frames and the HardLight frames), with its time. A file never exceeds its
 * cap: when the next buffer would not fit, the recording stops with a TRUNCATED record that says so,
 * and the connection goes on unrecorded. Recording copies every buffer on the I/O thread and writes on
 * a thread of its own; when more than 4 MiB wait for a disk that does not keep up, the recording is
 * truncated the same way instead of slowing the connection. Files are created owner-readable only
 * where the file system allows, and are complete (end with their END record) shortly after their
 * connection closes. A cap is 8 KiB to 1 GiB.
 *
 * <p>A recording holds everything the connection carried, in clear: arguments, results, headers.
 * The credentials of the HTTP upgrade are masked before they reach the file: the values of the
 * {@code Authorization}, {@code Proxy-Authorization}, {@code Cookie} and {@code Set-Cookie} headers,
 * and the values of the query string (and any fragment or user information) of the request line and of
 * the URI in the file's header become {@code *}, one per byte, so the recording still decodes and its
 * lengths and read boundaries are unchanged; the names stay. {@link #credentialsRedacted()} tells
 * whether they were. They are masked by default because recordings travel: they are attached to bug
 * reports, copied off machines and committed as test data, and a bearer token or session cookie in
 * one lets whoever reads it act as the user until it expires. {@code recordCredentials(true)} on the
 * recording side keeps them, only to debug the credentials themselves: treat such files as the
 * credentials they hold. Other headers (an {@code X-Api-Key} of your own) and every argument and
 * result are recorded as sent. Treat every recording as a secret all the same.
 *
 * <p>Immutable and thread-safe.
 */
public final class Recording {
    /** The two ends of a connection. */
    public enum Side {
        /** The end that connected and sent the WebSocket upgrade. */
        CLIENT,
        /** The end that accepted it. */
        SERVER
    }

    /** Which way bytes went, seen from the side that recorded them. */
    public enum Direction {
        /** Received by the recording side. */
        READ,
        /** Sent by the recording side. */
        WRITE
    }

    /**
     * One read or one write of plaintext bytes (after TLS), as the recording side's event loop saw it.
     *
     * @param timeNanos nanoseconds since the recording started (a monotonic clock)
     * @param bytes the bytes; the array returned is a copy
     */
    public record Entry(Direction direction, long timeNanos, byte[] bytes) {
        /** @throws NullPointerException if direction or bytes is null */
        public Entry {
            Objects.requireNonNull(direction, "direction");
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        /** The side that sent these bytes, in a recording made by {@code recorder}. */
        public Side sender(Side recorder) {
            return (recorder == Side.CLIENT) == (direction == Direction.WRITE) ? Side.CLIENT : Side.SERVER;
        }

        @Override
        public String toString() {
            return "Entry[" + direction + " " + timeNanos + " ns, " + bytes.length + " bytes]";
        }
    }

    /**
     * One decoded frame. {@code type} is a HardLight frame type ({@code HELLO}, {@code CALL},
     * {@code RESULT}, {@code ERROR}, {@code CANCEL}, {@code STATE_DELTA}, {@code EVENT},
     * {@code FEATURES}, {@code GO_AWAY}, {@code EVENTS_MISSED}), or {@code HTTP} and
     * {@code HTTP_BODY} for the upgrade, {@code WS_CLOSE}, {@code WS_PING}, {@code WS_PONG} and
     * {@code WS_TEXT} for WebSocket frames that are not HardLight messages, or {@code MALFORMED} for
     * bytes the decoders refused (the summary says why; later bytes in that direction are not decoded,
     * except after a malformed HardLight message, which is one WebSocket message).
     *
     * @param sender the side that sent the frame
     * @param timeNanos when the last byte of the frame was read or written, as in {@link Entry}
     * @param callId the call id of CALL, RESULT, ERROR and CANCEL; -1 for other frames
     * @param summary the frame's fields in words: method names, status codes, values as hex bytes
     * @param message the whole HardLight message, frame type byte first, for the HardLight frame types
     *     (and a MALFORMED one); empty for the others. Tools decode values from it with the schema of
     *     the HELLO's extension 4 ({@code hardlight replay}).
     */
    public record Frame(Side sender, long timeNanos, String type, int callId, String summary, byte[] message) {
        /** @throws NullPointerException if sender, type or summary is null */
        public Frame {
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(summary, "summary");
            message = message == null ? new byte[0] : message.clone();
        }

        /** A frame without its message bytes. */
        public Frame(Side sender, long timeNanos, String type, int callId, String summary) {
            this(sender, timeNanos, type, callId, summary, null);
        }

        @Override
        public byte[] message() {
            return message.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Frame f && f.sender == sender && f.timeNanos == timeNanos && f.type.equals(type)
                    && f.callId == callId && f.summary.equals(summary) && Arrays.equals(f.message, message);
        }

        @Override
        public int hashCode() {
            return Objects.hash(sender, timeNanos, type, callId, summary, Arrays.hashCode(message));
        }

        /** One line: time in milliseconds, sender, type, call id and summary. */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%10.3f ms  %s  %-13s %s%s", timeNanos / 1e6,
                    sender == Side.CLIENT ? "client" : "server", type, callId >= 0 ? "#" + callId + " " : "", summary).stripTrailing();
        }
    }

    private final Side side;
    private final Instant startTime;
    private final String target;
    private final String service;
    private final String fingerprint;
    private final List<Entry> entries;
    private final String truncation;
    private final String cut;
    /** What the file says of the upgrade's credentials: masked, recorded, or nothing (older files). */
    private final String credentials;

    private Recording(RecordingReader.Contents c) {
        this.side = c.side();
        this.startTime = Instant.ofEpochMilli(c.startMillis());
        this.target = c.fields().getOrDefault(RecordingFormat.TARGET, "");
        this.service = c.fields().getOrDefault(RecordingFormat.SERVICE, "");
        this.fingerprint = c.fields().getOrDefault(RecordingFormat.FINGERPRINT, "");
        this.entries = c.entries();
        this.truncation = c.truncation();
        this.cut = c.cut();
        this.credentials = c.fields().getOrDefault(RecordingFormat.CREDENTIALS, "");
    }

    /**
     * Reads a whole recording into memory. A file that ends before its last record, because the
     * process that wrote it died (or is still writing), is read up to its last complete read or
     * write and {@link #isCutShort() marked cut short}: the moments before a crash are often the
     * ones worth reading. Only the end of a file may be missing.
     *
     * @throws IOException if the file cannot be read, or is not a recording of a version this
     *     HardLight reads; the message says what is wrong and at which byte (not a recording, an
     *     unknown version, a header cut short, an unknown record kind, a length no recorder writes,
     *     bytes after the last record)
     */
    public static Recording read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        return new Recording(RecordingReader.read(file));
    }

    /** The side that made this recording. */
    public Side side() {
        return side;
    }

    /** When the recording started (the recording side's wall clock). */
    public Instant startTime() {
        return startTime;
    }

    /** For a client, the URI it connected to; for a server, the client's address. */
    public String target() {
        return target;
    }

    /** The name of the service of the recording side. */
    public String service() {
        return service;
    }

    /** The schema fingerprint (hex) of the recording side's service. */
    public String fingerprint() {
        return fingerprint;
    }

    /** Every read and write, in the order the event loop saw them. */
    public List<Entry> entries() {
        return entries;
    }

    /** Whether the recording stopped before the connection closed ({@link #truncationReason()} says why). */
    public boolean isTruncated() {
        return truncation != null;
    }

    /** Why the recording stopped early (its size cap, or a disk that did not keep up), or "" if it did not. */
    public String truncationReason() {
        return truncation == null ? "" : truncation;
    }

    /**
     * Whether the file ends before its last record (END, or TRUNCATED): the process that recorded it
     * stopped (a crash, a kill) before the connection closed, or is still recording. The entries are
     * every complete read and write before that point; a read or write the file ends inside of is
     * left out. Unlike {@link #isTruncated()}, nobody decided to stop: the end is missing.
     */
    public boolean isCutShort() {
        return cut != null;
    }

    /**
     * Whether the recording side masked the credentials of the HTTP upgrade (the default); false if it
     * kept them in clear ({@code recordCredentials(true)}) or predates masking.
     */
    public boolean credentialsRedacted() {
        return credentials.equals(RecordingFormat.CREDENTIALS_REDACTED);
    }

    /**
     * Replays the recording through the decoders of a live connection and returns the frames both
     * sides sent, in the order the recording side saw them. Malformed bytes become a
     * {@code MALFORMED} frame rather than an exception. Each call decodes afresh.
     */
    public List<Frame> decode() {
        return RecordingDecoder.decode(side, entries);
    }

    /**
     * Prints a header line, then {@link #decode()}'s frames one per line, then the truncation reason
     * if any, or where the file was cut short.
     */
    public void print(PrintStream out) {
        out.println("# " + this);
        for (Frame f : decode()) {
            out.println(f);
        }
        if (truncation != null) {
            out.println("# truncated: " + truncation);
        }
        if (cut != null) {
            out.println("# cut short: " + cut);
        }
    }

    /** The recording's header in one line. */
    @Override
    public String toString() {
        return "HardLight recording by the " + side.name().toLowerCase(Locale.ROOT) + " of " + target + ", service "
                + service + ", started " + startTime + ", " + entries.size() + " reads and writes"
                + (truncation == null ? "" : ", truncated") + (cut == null ? "" : ", cut short")
                + switch (credentials) {
                    case RecordingFormat.CREDENTIALS_REDACTED -> ", credentials masked";
                    case RecordingFormat.CREDENTIALS_RECORDED -> ", credentials in clear";
                    default -> "";
                };
    }
}
