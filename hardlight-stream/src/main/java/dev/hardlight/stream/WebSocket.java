package dev.hardlight.stream;

import dev.hardlight.stream.internal.OutboundFrames;
import dev.hardlight.stream.internal.ReplayStream;
import dev.hardlight.stream.internal.Upgrade;
import dev.hardlight.stream.internal.Utf8Validator;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Objects;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A WebSocket client (RFC 6455) over any {@link Stream}, driven by {@link #poll()} from the caller's
 * thread. Nothing blocks and, once open, nothing allocates on the path of a frame (over plain TCP; TLS
 * engines allocate a small result object per record).
 *
 * <pre>{@code
 * WebSocket ws = WebSocket.over(Streams.tcp(address), URI.create("ws://127.0.0.1:8080/ws"),
 *         WebSocketOptions.defaults(), (socket, frame) -> handle(frame));
 * ws.sendText("{\"subscribe\":\"trades\"}");   // queued until the upgrade completes
 * while (running) { idle.idle(ws.poll()); }
 * }</pre>
 *
 * <p><b>Receiving.</b> Each {@link #poll()} makes at most one read from the stream and decodes every
 * complete frame in the buffer, passing each to the handler as a {@link Frame} view over the read buffer
 * (no copy); all frames decoded after one read carry that read's time. A partial frame waits in the
 * buffer for the next read. Fragments are delivered as they come, not reassembled. Pings are answered
 * with a pong automatically; a close frame is answered and the connection closed.
 *
 * <p><b>Malformed frames from the server</b> close the connection as RFC 6455 §7.4.1 says, with a close
 * frame carrying the code and a reason that says what was wrong, then {@link FrameHandler#onClose}: 1002
 * (protocol error: reserved bits, unknown opcode, a masked frame, a fragmented or over-long control frame,
 * a continuation out of place, a bad close payload), 1007 (text or a close reason that is not UTF-8),
 * 1009 (a frame over {@link WebSocketOptions#maxFramePayload()}).
 *
 * <p><b>Sending.</b> Each send encodes the frame into the outbound buffer (one copy of the payload,
 * masked on the way unless masking is off) and writes as much as the stream takes at once; the rest goes
 * out at the next polls. A send returns {@code false} (back-pressure, nothing queued) when the frame does
 * not fit in the outbound buffer's free space, and when the connection is closing or closed. Frames sent
 * before the upgrade completes are queued behind the request.
 *
 * <p>Not thread-safe: one thread polls and sends.
 */
public final class WebSocket implements AutoCloseable {

    /** Normal closure. */
    public static final int NORMAL_CLOSURE = 1000;
    /** The endpoint is going away. */
    public static final int GOING_AWAY = 1001;
    /** A protocol error: the peer sent a malformed frame. */
    public static final int PROTOCOL_ERROR = 1002;
    /** No status code was in the close frame (never sent). */
    public static final int NO_STATUS = 1005;
    /** The connection was lost or never opened, without a close handshake (never sent). */
    public static final int ABNORMAL_CLOSURE = 1006;
    /** Text that is not UTF-8. */
    public static final int INVALID_PAYLOAD = 1007;
    /** A frame too big to process. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** The client hit an unexpected condition (a handler threw). */
    public static final int INTERNAL_ERROR = 1011;

    /** Where a connection is in its life. */
    public enum State {
        /** Connecting, TLS handshake, or waiting for the upgrade response. */
        CONNECTING,
        /** Open: frames flow both ways. */
        OPEN,
        /** This client sent a close frame and waits for the server's. */
        CLOSING,
        /** Closed; the stream is closed. */
        CLOSED
    }

    private static final int OP_CONTINUATION = 0x0;
    private static final int OP_TEXT = 0x1;
    private static final int OP_BINARY = 0x2;
    private static final int OP_CLOSE = 0x8;
    private static final int OP_PING = 0x9;
    private static final int OP_PONG = 0xA;
    private static final int MAX_HEADER = OutboundFrames.MAX_HEADER;

    // All fields are owned by the polling thread.
    private final Stream stream;
    private final FrameHandler handler;
    private final boolean validateUtf8;
    private final int maxFramePayload;
    private final long closeTimeoutNanos;
    private final Upgrade upgrade;
    private final ByteBuffer in;
    private final UnsafeBuffer inView;
    private final OutboundFrames out;
    private final Frame frame = new Frame();
    private final Utf8Validator utf8 = new Utf8Validator();
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[125]);

    private State state = State.CONNECTING;
    private boolean requestQueued;
    private int inStart;
    private boolean fragmented;
    private FrameType fragmentType;
    private boolean closeSent;
    private long closeDeadline;
    private int closeCode = -1;
    private String closeReason = "";
    private Throwable failure;
    private long lastReadNanos;
    private final URI uri;
    private final Map<String, String> headers;

    private WebSocket(Stream stream, URI uri, WebSocketOptions options, FrameHandler handler) {
        this.stream = stream;
        this.uri = uri;
        this.handler = handler;
        this.headers = options.headers();
        this.validateUtf8 = options.validateUtf8();
        this.maxFramePayload = options.maxFramePayload();
        this.closeTimeoutNanos = options.closeTimeout().toNanos();
        SecureRandom random = new SecureRandom();
        // a replayed recording answers the recorded request: reuse its key so the recorded accept matches
        this.upgrade = new Upgrade(random, stream instanceof ReplayStream replay ? replay.webSocketKey() : null);
        this.in = ByteBuffer.allocateDirect(Math.max(maxFramePayload + MAX_HEADER, Upgrade.MAX_HEAD));
        this.inView = new UnsafeBuffer(in);
        this.out = new OutboundFrames(options.outboundBuffer(), options.masking(), random.nextLong());
        out.putRequest(upgrade.request(uri, headers));
    }

    /**
     * A client for {@code uri} (its path, query and host go into the upgrade request) over {@code stream},
     * which may still be connecting. The upgrade request is sent by the first polls; {@code handler}
     * receives everything.
     */
    public static WebSocket over(Stream stream, URI uri, WebSocketOptions options, FrameHandler handler) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("uri: " + uri + " (expected: ws://host[:port]/path or wss://...)");
        }
        return new WebSocket(stream, uri, options, handler);
    }

    /** The state. */
    public State state() {
        return state;
    }

    /** The close code once closed (see {@link FrameHandler#onClose}), -1 before. */
    public int closeCode() {
        return closeCode;
    }

    /** The close reason once closed, empty before. */
    public String closeReason() {
        return closeReason;
    }

    /** Why the connection failed (an I/O error, a refused upgrade, a malformed frame), or {@code null}. */
    public Throwable failure() {
        return failure;
    }

    /**
     * The time of the last read that brought bytes ({@link Stream#readTimeNanos()}: {@link System#nanoTime()}
     * units on a live stream), 0 before the upgrade completes. For detecting a silent server.
     */
    public long lastReadNanos() {
        return lastReadNanos;
    }

    /** The URI this client connects to. */
    public URI uri() {
        return uri;
    }

    /** The stream under this client. */
    public Stream stream() {
        return stream;
    }

    /** Whether sent bytes still wait in the outbound buffer (or a layer of the stream). */
    public boolean hasPendingOutput() {
        return out.hasPending();
    }

    /**
     * Does one step of work without blocking: advances the connect and the upgrade, writes pending output,
     * makes at most one read and hands every complete frame it finds to the handler.
     *
     * @return the amount of work done (0 when there was nothing to do), for an idle strategy
     */
    public int poll() {
        if (state == State.CLOSED) {
            return 0;
        }
        if (out.claimOpen()) {
            throw new IllegalStateException("a claim is open: commit or abort it before polling");
        }
        try {
            if (state == State.CONNECTING) {
                return pollConnecting();
            }
            int work = 0;
            if (out.hasPending()) {
                work += flushOut();
            }
            if (state == State.CLOSING && System.nanoTime() - closeDeadline > 0) {
                finish(ABNORMAL_CLOSURE, "the server did not answer the close frame in time", null);
                return 1;
            }
            int n = stream.read(in);
            if (n < 0) {
                endOfStream();
                return 1;
            }
            if (n == 0) {
                return work;
            }
            lastReadNanos = stream.readTimeNanos();
            decode(lastReadNanos);
            if (out.hasPending() && state != State.CLOSED) {
                flushOut(); // pongs queued while decoding
            }
            return work + 1;
        } catch (IOException e) {
            finish(ABNORMAL_CLOSURE, String.valueOf(e.getMessage()), e);
            return 1;
        }
    }

    private int pollConnecting() throws IOException {
        if (!requestQueued) {
            if (!stream.finishConnect()) {
                return 0;
            }
            requestQueued = true;
        }
        int work = flushOut();
        int n = stream.read(in);
        if (n < 0) {
            finish(ABNORMAL_CLOSURE, "the server closed the connection before answering the upgrade", null);
            return 1;
        }
        if (n == 0) {
            return work;
        }
        int end = in.position();
        int headEnd = -1;
        for (int i = 3; i < end; i++) {
            if (inView.getByte(i) == '\n' && inView.getByte(i - 1) == '\r' && inView.getByte(i - 2) == '\n'
                    && inView.getByte(i - 3) == '\r') {
                headEnd = i + 1;
                break;
            }
        }
        if (headEnd < 0) {
            if (end >= Upgrade.MAX_HEAD) {
                finish(ABNORMAL_CLOSURE, "the upgrade response head did not end within " + Upgrade.MAX_HEAD + " bytes", null);
            }
            return 1;
        }
        byte[] head = new byte[headEnd - 4];
        inView.getBytes(0, head);
        String refusal = upgrade.check(new String(head, StandardCharsets.ISO_8859_1));
        if (refusal != null) {
            finish(ABNORMAL_CLOSURE, refusal, new IOException(refusal));
            return 1;
        }
        state = State.OPEN;
        inStart = headEnd;
        lastReadNanos = stream.readTimeNanos();
        handler.onOpen(this);
        if (state == State.OPEN && out.hasPending()) {
            flushOut();
        }
        decode(stream.readTimeNanos());
        return 1;
    }

    private void endOfStream() {
        if (state == State.CLOSING) {
            // RFC 6455 §7.1.5: no close frame came back, so the connection closed abnormally
            finish(ABNORMAL_CLOSURE, "the server closed the connection without answering the close frame", null);
        } else {
            finish(ABNORMAL_CLOSURE, "the server closed the connection without a close frame", null);
        }
    }

    // ---- receiving

    private void decode(long time) {
        int pos = inStart;
        int end = in.position();
        while (state != State.CLOSED) {
            int avail = end - pos;
            if (avail < 2) {
                break;
            }
            int b0 = inView.getByte(pos) & 0xff;
            int b1 = inView.getByte(pos + 1) & 0xff;
            boolean fin = (b0 & 0x80) != 0;
            int opcode = b0 & 0x0f;
            int len7 = b1 & 0x7f;
            if ((b0 & 0x70) != 0) {
                violation(PROTOCOL_ERROR, "reserved bits set without a negotiated extension: 0x" + Integer.toHexString(b0 & 0x70));
                return;
            }
            if ((b1 & 0x80) != 0) {
                violation(PROTOCOL_ERROR, "masked frame from the server");
                return;
            }
            boolean control = (opcode & 0x8) != 0;
            if (control) {
                if (opcode > OP_PONG) {
                    violation(PROTOCOL_ERROR, "unknown opcode 0x" + Integer.toHexString(opcode));
                    return;
                }
                if (!fin) {
                    violation(PROTOCOL_ERROR, "fragmented control frame");
                    return;
                }
                if (len7 > 125) {
                    violation(PROTOCOL_ERROR, "control frame with a payload over 125 bytes");
                    return;
                }
            } else if (opcode > OP_BINARY) {
                violation(PROTOCOL_ERROR, "unknown opcode 0x" + Integer.toHexString(opcode));
                return;
            }
            int header = 2;
            long length = len7;
            if (len7 == 126) {
                if (avail < 4) {
                    break;
                }
                length = inView.getShort(pos + 2, ByteOrder.BIG_ENDIAN) & 0xffff;
                header = 4;
            } else if (len7 == 127) {
                if (avail < 10) {
                    break;
                }
                length = inView.getLong(pos + 2, ByteOrder.BIG_ENDIAN);
                header = 10;
                if (length < 0) {
                    violation(PROTOCOL_ERROR, "frame length with its most significant bit set");
                    return;
                }
            }
            if (length > maxFramePayload) {
                violation(MESSAGE_TOO_BIG, "frame of " + length + " bytes over the limit of " + maxFramePayload);
                return;
            }
            if (avail < header + length) {
                break;
            }
            int payload = pos + header;
            int size = (int) length;
            pos = payload + size;
            inStart = pos;
            switch (opcode) {
                case OP_CONTINUATION -> {
                    if (!fragmented) {
                        violation(PROTOCOL_ERROR, "continuation frame without a message to continue");
                        return;
                    }
                    if (!dataFrame(fragmentType, false, fin, payload, size, time)) {
                        return;
                    }
                }
                case OP_TEXT, OP_BINARY -> {
                    if (fragmented) {
                        violation(PROTOCOL_ERROR, "new data frame while a fragmented message is unfinished");
                        return;
                    }
                    FrameType type = opcode == OP_TEXT ? FrameType.TEXT : FrameType.BINARY;
                    utf8.reset();
                    fragmented = !fin;
                    fragmentType = type;
                    if (!dataFrame(type, true, fin, payload, size, time)) {
                        return;
                    }
                }
                case OP_PING -> {
                    if (!out.claimOpen()) { // a pong must not land inside a payload being written in place
                        out.frame(OP_PONG, true, inView, payload, size);
                    }
                    frame.set(inView, payload, size, FrameType.PING, true, true, time);
                    handler.onFrame(this, frame);
                }
                case OP_PONG -> {
                    frame.set(inView, payload, size, FrameType.PONG, true, true, time);
                    handler.onFrame(this, frame);
                }
                default -> {
                    closeReceived(payload, size);
                    return;
                }
            }
        }
        if (state == State.CLOSED) {
            return;
        }
        if (pos == end) {
            in.clear();
            inStart = 0;
        } else if (pos > 0) {
            // a partial frame: move it to the front once, later reads append behind it
            inView.putBytes(0, inView, pos, end - pos);
            in.position(end - pos);
            inStart = 0;
        }
    }

    private boolean dataFrame(FrameType type, boolean first, boolean fin, int payload, int size, long time) {
        if (fin) {
            fragmented = false;
        }
        if (type == FrameType.TEXT && validateUtf8) {
            if (!utf8.feed(inView, payload, size) || (fin && !utf8.complete())) {
                violation(INVALID_PAYLOAD, "text that is not UTF-8");
                return false;
            }
        }
        frame.set(inView, payload, size, type, first, fin, time);
        handler.onFrame(this, frame);
        return state != State.CLOSED;
    }

    private void closeReceived(int payload, int size) {
        int code = NO_STATUS;
        String reason = "";
        if (size == 1) {
            violation(PROTOCOL_ERROR, "close frame with a 1-byte payload");
            return;
        }
        if (size >= 2) {
            code = inView.getShort(payload, ByteOrder.BIG_ENDIAN) & 0xffff;
            if (!validCloseCode(code)) {
                violation(PROTOCOL_ERROR, "close frame with the invalid code " + code);
                return;
            }
            Utf8Validator v = new Utf8Validator();
            if (!v.feed(inView, payload + 2, size - 2) || !v.complete()) {
                violation(INVALID_PAYLOAD, "close reason that is not UTF-8");
                return;
            }
            byte[] r = new byte[size - 2];
            inView.getBytes(payload + 2, r);
            reason = new String(r, StandardCharsets.UTF_8);
        }
        if (!closeSent) {
            // echo the server's code (RFC 6455 §5.5.1)
            if (size >= 2) {
                scratch.putShort(0, (short) code, ByteOrder.BIG_ENDIAN);
            }
            out.abort();
            out.frame(OP_CLOSE, true, scratch, 0, size >= 2 ? 2 : 0);
            closeSent = true;
            try {
                flushOut();
            } catch (IOException ignored) {
                // the server asked to close: a reply that cannot be written changes nothing
            }
        }
        finish(code, reason, null);
    }

    private static boolean validCloseCode(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    /** The one path for malformed input: send a close frame with the code and reason, then close. */
    private void violation(int code, String reason) {
        in.clear();
        inStart = 0;
        if (!closeSent) {
            sendClose(code, reason);
            try {
                flushOut();
            } catch (IOException ignored) {
                // the connection is being dropped for the server's error: nothing more to tell it
            }
        }
        finish(code, reason, new IOException("malformed frame from the server: " + reason + " (closed with " + code + ")"));
    }

    private void finish(int code, String reason, Throwable cause) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        closeCode = code;
        closeReason = reason;
        failure = cause;
        stream.close();
        handler.onClose(this, code, reason);
    }

    // ---- sending

    /** Sends a whole text message: {@code length} bytes of UTF-8 from {@code src} at {@code offset}. */
    public boolean sendText(DirectBuffer src, int offset, int length) {
        return send(OP_TEXT, true, src, offset, length);
    }

    /** Sends a whole binary message. */
    public boolean sendBinary(DirectBuffer src, int offset, int length) {
        return send(OP_BINARY, true, src, offset, length);
    }

    /**
     * Sends one fragment of a message of {@code type} ({@link FrameType#TEXT} or {@link FrameType#BINARY}):
     * the first fragment with {@code first}, the last with {@code last}. The caller sends no other data
     * frame until the last fragment (control frames may go between).
     */
    public boolean sendFragment(FrameType type, boolean first, boolean last, DirectBuffer src, int offset, int length) {
        if (type != FrameType.TEXT && type != FrameType.BINARY) {
            throw new IllegalArgumentException("type: " + type + " (expected: TEXT or BINARY)");
        }
        int opcode = !first ? OP_CONTINUATION : type == FrameType.TEXT ? OP_TEXT : OP_BINARY;
        return send(opcode, last, src, offset, length);
    }

    /**
     * Sends a whole text message, encoding {@code text} as UTF-8 straight into the outbound buffer (an
     * unpaired surrogate is sent as '?'). Does not allocate.
     */
    public boolean sendText(CharSequence text) {
        noClaim();
        int length = OutboundFrames.utf8Length(text);
        if (length > out.maxPayload()) {
            throw new IllegalArgumentException("text of " + length + " UTF-8 bytes (expected: <= " + out.maxPayload()
                    + ", the outbound buffer's size less 14)");
        }
        if (!open() || !out.text(OP_TEXT, text, length)) {
            return false;
        }
        return afterSend();
    }

    /**
     * Claims room for a whole message of {@code length} bytes in the outbound buffer, for the caller to write
     * its payload in place (no copy at all): write it into {@link #outboundBuffer()} from the returned offset,
     * then {@link #commit(FrameType)}. Nothing else may be sent, and the client not polled, between the claim
     * and the commit.
     *
     * <pre>{@code
     * int at = ws.claim(encodedLength);
     * if (at >= 0) {
     *     encoder.wrap(ws.outboundBuffer(), at).encode(order);
     *     ws.commit(FrameType.BINARY);
     * }
     * }</pre>
     *
     * @return where the payload goes in {@link #outboundBuffer()}, or -1 when it does not fit now
     *     (back-pressure) or the connection is closing or closed
     * @throws IllegalArgumentException if {@code length} could never fit
     * @throws IllegalStateException if a claim is already open
     */
    public int claim(int length) {
        noClaim();
        if (length < 0 || length > out.maxPayload()) {
            throw new IllegalArgumentException("length: " + length + " (expected: 0 .. " + out.maxPayload() + ")");
        }
        return open() ? out.claim(length) : -1;
    }

    /** The outbound buffer, to write a {@link #claim claimed} payload into; write nowhere else in it. */
    public MutableDirectBuffer outboundBuffer() {
        return out.view();
    }

    /**
     * Sends the claimed payload as a whole message of {@code type} (TEXT or BINARY): writes the header in front,
     * masks the payload in place, and writes as the other sends do.
     *
     * @return {@code false} if the connection closed since the claim (nothing is sent)
     * @throws IllegalStateException if no claim is open
     */
    public boolean commit(FrameType type) {
        if (!out.claimOpen()) {
            throw new IllegalStateException("no claim is open");
        }
        if (type != FrameType.TEXT && type != FrameType.BINARY) {
            throw new IllegalArgumentException("type: " + type + " (expected: TEXT or BINARY)");
        }
        if (!open()) {
            out.abort();
            return false;
        }
        out.commit(type == FrameType.TEXT ? OP_TEXT : OP_BINARY);
        return afterSend();
    }

    /** Gives up an open claim; nothing is sent. */
    public void abort() {
        out.abort();
    }

    /** Sends a ping with up to 125 bytes of payload. */
    public boolean sendPing(DirectBuffer src, int offset, int length) {
        if (length > 125) {
            throw new IllegalArgumentException("length: " + length + " (expected: <= 125 for a ping)");
        }
        return send(OP_PING, true, src, offset, length);
    }

    /**
     * Starts the close handshake: sends a close frame with {@code code} and {@code reason} (at most 123
     * bytes of UTF-8) and waits (through later polls) for the server's, at most
     * {@link WebSocketOptions#closeTimeout()}. Before the connection is open it just closes the stream.
     * Nothing happens if it is already closing or closed.
     */
    public void close(int code, String reason) {
        Objects.requireNonNull(reason, "reason");
        if (!validCloseCode(code)) {
            throw new IllegalArgumentException("code: " + code + " (expected: 1000-1003, 1007-1014 or 3000-4999)");
        }
        if (state == State.CONNECTING) {
            finish(code, reason, null);
            return;
        }
        if (state != State.OPEN) {
            return;
        }
        sendClose(code, reason);
        try {
            flushOut();
        } catch (IOException e) {
            finish(ABNORMAL_CLOSURE, String.valueOf(e.getMessage()), e);
        }
    }

    /** Closes at once: the close handshake is not waited for (1000 is sent if the socket takes it). */
    @Override
    public void close() {
        if (state == State.OPEN) {
            sendClose(NORMAL_CLOSURE, "");
            try {
                flushOut();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        finish(closeSent ? NORMAL_CLOSURE : ABNORMAL_CLOSURE, "closed by the client", null);
    }

    private void sendClose(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(r.length, 123);
        while (n < r.length && n > 0 && (r[n] & 0xC0) == 0x80) {
            n--; // cut on a character boundary: the reason must stay UTF-8
        }
        scratch.putShort(0, (short) code, ByteOrder.BIG_ENDIAN);
        scratch.putBytes(2, r, 0, n);
        // a close frame must go out even when the buffer is full of data: drop the unsent data if need be
        out.abort();
        if (!out.frame(OP_CLOSE, true, scratch, 0, 2 + n)) {
            out.dropPending();
            out.frame(OP_CLOSE, true, scratch, 0, 2 + n);
        }
        closeSent = true;
        closeDeadline = System.nanoTime() + closeTimeoutNanos;
        if (state == State.OPEN) {
            state = State.CLOSING;
        }
    }

    private boolean open() {
        return state == State.OPEN || state == State.CONNECTING;
    }

    private void noClaim() {
        if (out.claimOpen()) {
            throw new IllegalStateException("a claim is open: commit or abort it first");
        }
    }

    private boolean send(int opcode, boolean fin, DirectBuffer src, int offset, int length) {
        noClaim();
        if (!open()) {
            return false;
        }
        if (length < 0 || length > out.maxPayload()) {
            throw new IllegalArgumentException("length: " + length + " (expected: 0 .. " + out.maxPayload()
                    + ", the outbound buffer's size less 14)");
        }
        if (!out.frame(opcode, fin, src, offset, length)) {
            return false;
        }
        return afterSend();
    }

    private boolean afterSend() {
        if (state == State.OPEN) {
            try {
                flushOut();
            } catch (IOException e) {
                finish(ABNORMAL_CLOSURE, String.valueOf(e.getMessage()), e);
            }
        }
        return true;
    }

    private int flushOut() throws IOException {
        return out.flush(stream, state != State.CONNECTING);
    }

    @Override
    public String toString() {
        return "WebSocket[" + uri + ", " + state + (closeCode >= 0 ? ", closed " + closeCode + " " + closeReason : "") + "]";
    }
}
