package dev.hardlight.internal.protocol;

import dev.hardlight.Features;
import dev.hardlight.Metadata;
import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.Topic;
import dev.hardlight.codec.WireReader;
import dev.hardlight.internal.codec.ByteBufWireReader;
import dev.hardlight.internal.codec.ByteBufWireWriter;
import dev.hardlight.internal.codec.Varint;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The codec of every frame of {@code docs/protocol.md} section 3: one encoder and one decoder per frame
 * type, in the order of the spec, each section headed by the frame's bytes as the spec draws them. This
 * is the only class that writes a frame type byte; the sessions, {@link TopicRegistry},
 * {@link ServerState}, {@link SessionFeatures} and the {@link Frame} values all go through it.
 *
 * <p>The frames that carry application values (CALL, RESULT, STATE_DELTA, EVENT) are encoded as a
 * header, after which the caller writes the values in place into the same buffer (no copy), and
 * decoded as a header, after which the buffer's reader index is at the values. Every decoder but
 * {@link #readHello} starts after the type byte, which the caller read with {@link #readType} to
 * dispatch on.
 *
 * <p>Decoders are strict, and are the rules of the protocol, not a view of them: a malformed frame
 * throws {@link RpcException} {@code PROTOCOL_ERROR} ({@link WireReader#malformed}), which a session
 * turns into a close 1002 "{@code <FRAME>: <message>}"; BATCH and the type byte throw
 * {@link ProtocolViolation} themselves. Rules that need a session's state (call ids in flight, the
 * negotiated limit, a second GO_AWAY) stay in the sessions.
 *
 * <p>Stateless and thread-safe.
 */
public final class Frames {
    private Frames() {}

    /** The protocol version this implementation speaks. */
    public static final int VERSION = 1;
    /** The WebSocket subprotocol naming {@link #VERSION}. */
    public static final String SUBPROTOCOL = "hardlight.v" + VERSION;
    /** The longest error message sent; longer ones are cut (a bound on what a handler can make us send). */
    public static final int MAX_ERROR_MESSAGE_CHARS = 1024;
    /** The most frames one BATCH may hold. */
    public static final int MAX_BATCH_FRAMES = 256;
    /** HELLO extension tag by which a server announces that it takes and sends BATCH (empty value). */
    public static final int BATCH_HELLO_EXTENSION = 5;

    // ---- the type byte (section 3) -----------------------------------------------------------------

    /** Reads the type byte; an empty message is malformed. */
    public static int readType(ByteBuf buf) {
        if (!buf.isReadable()) {
            throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR, "empty message");
        }
        return buf.readUnsignedByte();
    }

    /** Reads a varint id field (call id, method id, count) of a header: 31 bits, one spelling. */
    public static int readId(ByteBuf buf) {
        return Varint.readVarInt(buf, false);
    }

    // ---- HELLO (section 3.1) -----------------------------------------------------------------------

    /**
     * HELLO, the server's first message:
     * <pre>
     * 01                      frame type
     * version:varint          1
     * service:string
     * fingerprint:32 bytes    SHA-256 of the server's canonical schema text
     * maxInFlight:varint      1..65535
     * maxMessageSize:varint
     * methodCount:varint
     *   { id:varint  name:string  signatureHash:u64be }
     * extensionCount:varint
     *   { tag:varint  length:varint  bytes }
     * </pre>
     */
    public static void writeHello(ByteBuf buf, Hello hello) {
        buf.writeByte(FrameType.HELLO);
        Varint.writeVarInt(buf, hello.version());
        ByteBufWireWriter w = new ByteBufWireWriter(buf);
        w.writeString(hello.service());
        buf.writeBytes(hello.fingerprint());
        Varint.writeVarInt(buf, hello.maxInFlight());
        Varint.writeVarInt(buf, hello.maxMessageSize());
        Varint.writeVarInt(buf, hello.methods().size());
        for (Hello.MethodEntry m : hello.methods()) {
            Varint.writeVarInt(buf, m.id());
            w.writeString(m.name());
            buf.writeLong(m.signatureHash());
        }
        Varint.writeVarInt(buf, hello.extensions().size());
        for (Hello.Extension e : hello.extensions()) {
            Varint.writeVarInt(buf, e.tag());
            w.writeBytes(e.value());
        }
    }

    /**
     * Decodes a whole HELLO frame, type byte included (the first message is a HELLO or nothing).
     * What the values mean (version, service, limits, extensions) the client session checks.
     */
    public static Hello readHello(ByteBuf buf) {
        int type = readType(buf);
        if (type != FrameType.HELLO) {
            throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR,
                    "expected HELLO as the first frame, got " + FrameType.name(type));
        }
        WireReader r = new ByteBufWireReader(buf);
        int version = r.readVarInt();
        String service = r.readString();
        byte[] fingerprint = r.readRaw(32);
        int maxInFlight = r.readVarInt();
        int maxMessageSize = r.readVarInt();
        int methodCount = r.readCount();
        List<Hello.MethodEntry> methods = new ArrayList<>(methodCount);
        for (int i = 0; i < methodCount; i++) {
            int id = r.readVarInt();
            String name = r.readString();
            long hash = readLong8(r);
            methods.add(new Hello.MethodEntry(id, name, hash));
        }
        int extensionCount = r.readCount();
        List<Hello.Extension> extensions = new ArrayList<>(extensionCount);
        for (int i = 0; i < extensionCount; i++) {
            int tag = r.readVarInt();
            extensions.add(new Hello.Extension(tag, r.readBytes()));
        }
        r.expectEnd("HELLO");
        return new Hello(version, service, fingerprint, maxInFlight, maxMessageSize, methods, extensions);
    }

    private static long readLong8(WireReader r) {
        byte[] b = r.readRaw(8);
        long v = 0;
        for (byte x : b) {
            v = (v << 8) | (x & 0xFF);
        }
        return v;
    }

    // ---- CALL, CALL_META (sections 3.2, 3.2.1) -----------------------------------------------------

    /**
     * CALL's header; the arguments follow, written in place by the caller:
     * <pre>
     * 02 callId:varint methodId:varint arguments
     * </pre>
     */
    public static void writeCallHeader(ByteBuf buf, int callId, int methodId) {
        buf.writeByte(FrameType.CALL);
        Varint.writeVarInt(buf, callId);
        Varint.writeVarInt(buf, methodId);
    }

    /**
     * A CALL header, or when {@code metadata} is not empty a CALL_META header:
     * <pre>
     * 0B callId:varint methodId:varint metadata arguments
     * metadata = count:varint { key:string value:bytes }*     ({@link MetadataCodec})
     * </pre>
     */
    public static void writeCallHeader(ByteBuf buf, int callId, int methodId, Metadata metadata) {
        if (metadata.isEmpty()) {
            writeCallHeader(buf, callId, methodId);
            return;
        }
        buf.writeByte(FrameType.CALL_META);
        Varint.writeVarInt(buf, callId);
        Varint.writeVarInt(buf, methodId);
        MetadataCodec.write(buf, metadata);
    }

    /**
     * Reads the ids of a CALL or CALL_META header, packed in a long without allocating: read them with
     * {@link #callId(long)} and {@link #methodId(long)}. A CALL_META's metadata block comes next
     * ({@link MetadataCodec#read}, read by the server only after its checks of the ids), then the
     * arguments.
     */
    public static long readCallHeader(ByteBuf buf) {
        int callId = readId(buf);
        int methodId = readId(buf);
        return (long) callId << 32 | methodId;
    }

    /** The call id of a header read by {@link #readCallHeader}. */
    public static int callId(long callHeader) {
        return (int) (callHeader >>> 32);
    }

    /** The method id of a header read by {@link #readCallHeader}. */
    public static int methodId(long callHeader) {
        return (int) callHeader;
    }

    // ---- RESULT, RESULT_META (sections 3.2, 3.2.1) -------------------------------------------------

    /**
     * RESULT's header; the value follows, written in place by the caller (nothing for void):
     * <pre>
     * 03 callId:varint value
     * </pre>
     */
    public static void writeResultHeader(ByteBuf buf, int callId) {
        buf.writeByte(FrameType.RESULT);
        Varint.writeVarInt(buf, callId);
    }

    /**
     * A RESULT header, or when {@code metadata} is not empty a RESULT_META header:
     * <pre>
     * 0C callId:varint metadata value
     * </pre>
     */
    public static void writeResultHeader(ByteBuf buf, int callId, Metadata metadata) {
        if (metadata.isEmpty()) {
            writeResultHeader(buf, callId);
            return;
        }
        buf.writeByte(FrameType.RESULT_META);
        Varint.writeVarInt(buf, callId);
        MetadataCodec.write(buf, metadata);
    }

    /**
     * Reads the call id that starts every answer (RESULT, RESULT_META, ERROR, ERROR_META). In a
     * RESULT the value follows; in the *_META frames the metadata block ({@link MetadataCodec#read}),
     * then the value or {@link #readErrorRest the rest of the error}.
     */
    public static int readAnswerHeader(ByteBuf buf) {
        return readId(buf);
    }

    // ---- ERROR, ERROR_META (sections 3.2, 3.2.1) ---------------------------------------------------

    /**
     * ERROR; {@code message} is cut to {@link #MAX_ERROR_MESSAGE_CHARS} characters:
     * <pre>
     * 04 callId:varint status:varint message:string declared:varint
     * </pre>
     *
     * @param declaredIndex 0 when the error is not a declared exception, else 1 + the index of the
     *     method's declared exception type
     */
    public static void writeError(ByteBuf buf, int callId, Status status, String message, int declaredIndex) {
        buf.writeByte(FrameType.ERROR);
        Varint.writeVarInt(buf, callId);
        writeErrorRest(buf, status, message, declaredIndex);
    }

    /**
     * An ERROR, or when {@code metadata} is not empty an ERROR_META:
     * <pre>
     * 0D callId:varint metadata status:varint message:string declared:varint
     * </pre>
     */
    public static void writeError(ByteBuf buf, int callId, Status status, String message, int declaredIndex,
                                  Metadata metadata) {
        if (metadata.isEmpty()) {
            writeError(buf, callId, status, message, declaredIndex);
            return;
        }
        buf.writeByte(FrameType.ERROR_META);
        Varint.writeVarInt(buf, callId);
        MetadataCodec.write(buf, metadata);
        writeErrorRest(buf, status, message, declaredIndex);
    }

    private static void writeErrorRest(ByteBuf buf, Status status, String message, int declaredIndex) {
        Varint.writeVarInt(buf, status.code());
        new ByteBufWireWriter(buf).writeString(cut(message == null ? "" : message));
        Varint.writeVarInt(buf, declaredIndex);
    }

    /** The body of an ERROR or ERROR_META; {@code status} is {@code UNKNOWN} for a number this side does not know. */
    public record ErrorBody(int callId, Status status, int statusCode, String message, int declaredIndex) {}

    /** Reads an ERROR's body: the whole frame after its type byte, with nothing after it. */
    public static ErrorBody readErrorBody(ByteBuf buf) {
        return readErrorRest(buf, readAnswerHeader(buf));
    }

    /** Reads the rest of an ERROR or ERROR_META body once its call id (and metadata) were read. */
    public static ErrorBody readErrorRest(ByteBuf buf, int callId) {
        WireReader r = new ByteBufWireReader(buf);
        int code = r.readVarInt();
        String message = r.readString();
        int declared = r.readVarInt();
        r.expectEnd("ERROR");
        return new ErrorBody(callId, Status.fromCode(code), code, message, declared);
    }

    // ---- CANCEL (section 3.2) ----------------------------------------------------------------------

    /**
     * CANCEL:
     * <pre>
     * 05 callId:varint
     * </pre>
     */
    public static void writeCancel(ByteBuf buf, int callId) {
        buf.writeByte(FrameType.CANCEL);
        Varint.writeVarInt(buf, callId);
    }

    /** Reads a CANCEL's body, the call id; bytes after it are malformed ("trailing bytes"). */
    public static int readCancelBody(ByteBuf buf) {
        int callId = readId(buf);
        if (buf.isReadable()) {
            throw new RpcException(Status.PROTOCOL_ERROR, "trailing bytes");
        }
        return callId;
    }

    // ---- STATE_DELTA (section 3.3) -----------------------------------------------------------------

    /**
     * STATE_DELTA's header; the caller writes the {@code count} changed components after it in place,
     * each as its index (a varint, strictly increasing) and its value:
     * <pre>
     * 06 count:varint { field:varint value }*     count >= 1
     * </pre>
     */
    public static void writeStateDeltaHeader(ByteBuf buf, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count: " + count + " (expected: >= 1)");
        }
        buf.writeByte(FrameType.STATE_DELTA);
        Varint.writeVarInt(buf, count);
    }

    /**
     * Reads a STATE_DELTA's count (at least 1); the field pairs follow, read by the state's codec,
     * which knows their types. Trailing bytes after the last known field are the reader's to refuse.
     */
    public static int readStateDeltaHeader(ByteBuf buf) {
        int count = readId(buf);
        if (count < 1) {
            throw WireReader.malformed("STATE_DELTA with " + count + " fields (expected: >= 1)");
        }
        return count;
    }

    // ---- EVENT, EVENT_META (section 3.4) -----------------------------------------------------------

    /**
     * An EVENT header, or when {@code metadata} is not empty an EVENT_META header; the caller writes the
     * payload after it in place (it runs to the end of the message):
     * <pre>
     * 07 topic payload                 topic = length:varint bytes, at most 1024 bytes
     * 0E topic metadata payload
     * </pre>
     * The topic is at the same place in both, so a cluster peer finds it without knowing which
     * ({@link #eventTopicOrNull}).
     */
    public static void writeEventHeader(ByteBuf buf, Topic topic, Metadata metadata) {
        buf.writeByte(metadata.isEmpty() ? FrameType.EVENT : FrameType.EVENT_META);
        byte[] t = new byte[topic.length()];
        topic.copyTo(t, 0);
        Varint.writeVarInt(buf, t.length);
        buf.writeBytes(t);
        if (!metadata.isEmpty()) {
            MetadataCodec.write(buf, metadata);
        }
    }

    /**
     * Reads an EVENT's or EVENT_META's topic; then comes the EVENT_META's metadata block
     * ({@link MetadataCodec#read}), then the payload.
     */
    public static Topic readEventHeader(ByteBuf buf) {
        return readEventHeader(new ByteBufWireReader(buf));
    }

    /** {@link #readEventHeader(ByteBuf)} with the reader that goes on to read the payload. */
    public static Topic readEventHeader(WireReader r) {
        return r.readTopic();
    }

    /**
     * The topic of a whole EVENT or EVENT_META frame (type byte included), or {@code null} when the
     * bytes are not one: for frames relayed from a cluster peer, which are forwarded, not handled.
     * Does not move {@code frame}'s indexes.
     */
    public static Topic eventTopicOrNull(ByteBuf frame) {
        ByteBuf buf = frame.duplicate();
        if (buf.readableBytes() < 2) {
            return null;
        }
        int type = buf.readUnsignedByte();
        if (type != FrameType.EVENT && type != FrameType.EVENT_META) {
            return null;
        }
        try {
            return readEventHeader(buf);
        } catch (RpcException e) {
            return null;
        }
    }

    // ---- FEATURES (section 3.5) --------------------------------------------------------------------

    /**
     * FEATURES, the whole new set of the connection's features, names sorted (one spelling per set):
     * <pre>
     * 08 count:varint { name:string }*
     * </pre>
     */
    public static void writeFeatures(ByteBuf buf, Collection<String> features) {
        buf.writeByte(FrameType.FEATURES);
        writeFeaturesBody(buf, features);
    }

    /** The FEATURES body without its type byte: also HELLO extension 2, the first set. */
    public static void writeFeaturesBody(ByteBuf buf, Collection<String> features) {
        TreeSet<String> sorted = new TreeSet<>(features);
        Varint.writeVarInt(buf, sorted.size());
        ByteBufWireWriter w = new ByteBufWireWriter(buf);
        for (String f : sorted) {
            w.writeString(f);
        }
    }

    /**
     * Reads a FEATURES body (or HELLO extension 2): the names in order, which must be sorted by UTF-16
     * code units, unique and valid feature names, with nothing after the last.
     */
    public static List<String> readFeaturesBody(ByteBuf buf) {
        WireReader r = new ByteBufWireReader(buf);
        int n = r.readCount();
        List<String> names = new ArrayList<>(n);
        String previous = null;
        for (int i = 0; i < n; i++) {
            String f = r.readString();
            if (previous != null && previous.compareTo(f) >= 0) {
                throw WireReader.malformed("feature names not sorted and unique");
            }
            try {
                Features.checkName(f);
            } catch (IllegalArgumentException e) {
                throw WireReader.malformed(e.getMessage());
            }
            names.add(f);
            previous = f;
        }
        r.expectEnd("the feature set");
        return List.copyOf(names);
    }

    // ---- GO_AWAY (section 3.6) ---------------------------------------------------------------------

    /**
     * GO_AWAY, the server is shutting down; {@code reason} is cut to {@link #MAX_ERROR_MESSAGE_CHARS}
     * characters:
     * <pre>
     * 09 reason:string
     * </pre>
     */
    public static void writeGoAway(ByteBuf buf, String reason) {
        buf.writeByte(FrameType.GO_AWAY);
        new ByteBufWireWriter(buf).writeString(cut(reason));
    }

    /** Reads a GO_AWAY's body, the reason, with nothing after it. */
    public static String readGoAwayBody(ByteBuf buf) {
        WireReader r = new ByteBufWireReader(buf);
        String reason = r.readString();
        r.expectEnd("GO_AWAY");
        return reason;
    }

    // ---- EVENTS_MISSED (section 3.4) ---------------------------------------------------------------

    /**
     * EVENTS_MISSED, events the server dropped for this connection (a slow consumer):
     * <pre>
     * 0A count:varint     1 <= count <= 2^31-1 (a count, so 31 bits like every other)
     * </pre>
     * A server that dropped more sends several.
     */
    public static void writeEventsMissed(ByteBuf buf, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count: " + count + " (expected: >= 1)");
        }
        buf.writeByte(FrameType.EVENTS_MISSED);
        Varint.writeVarInt(buf, count);
    }

    /** Reads an EVENTS_MISSED body: the count, 1 to 2^31-1, with nothing after it. */
    public static int readEventsMissedBody(ByteBuf buf) {
        WireReader r = new ByteBufWireReader(buf);
        int n = r.readVarInt();
        r.expectEnd("EVENTS_MISSED");
        if (n < 1) {
            throw WireReader.malformed("EVENTS_MISSED of " + n);
        }
        return n;
    }

    // ---- BATCH (section 3.8) -----------------------------------------------------------------------

    /**
     * BATCH, several whole frames (each at least one byte, neither HELLO nor BATCH) in one message:
     * <pre>
     * 0F count:varint { length:varint frame }*     count 2..256
     * </pre>
     */
    public static void writeBatch(ByteBuf buf, List<ByteBuf> frames) {
        if (frames.size() < 2 || frames.size() > MAX_BATCH_FRAMES) {
            throw new IllegalArgumentException("a BATCH holds 2 to " + MAX_BATCH_FRAMES + " frames, not " + frames.size());
        }
        buf.writeByte(FrameType.BATCH);
        Varint.writeVarInt(buf, frames.size());
        for (ByteBuf f : frames) {
            Varint.writeVarInt(buf, f.readableBytes());
            buf.writeBytes(f, f.readerIndex(), f.readableBytes());
        }
    }

    /**
     * Reads a BATCH body and hands each inner frame, as a slice of {@code msg} holding exactly that
     * frame, to {@code handler} in order. The whole structure is checked before any frame is handled:
     * a count below 2 or over {@link #MAX_BATCH_FRAMES}, a length running past the message, bytes
     * after the last frame, or a HELLO or BATCH inside is a {@link ProtocolViolation} ("BATCH: ...")
     * and nothing is handled. An inner frame that is malformed in itself fails as it would alone, in
     * {@code handler}, after the frames before it were handled.
     */
    public static void forEachInBatch(ByteBuf msg, Consumer<ByteBuf> handler) {
        int count = readBatchVarint(msg);
        if (count < 2) {
            throw batchViolation("count " + count + " (at least 2)");
        }
        if (count > MAX_BATCH_FRAMES) {
            throw batchViolation("count " + count + " over the limit " + MAX_BATCH_FRAMES);
        }
        int start = msg.readerIndex();
        for (int i = 0; i < count; i++) {
            int length = readBatchVarint(msg);
            if (length > msg.readableBytes()) {
                throw batchViolation("frame " + i + " overruns the message");
            }
            if (length > 0) {
                int type = msg.getUnsignedByte(msg.readerIndex());
                if (type == FrameType.HELLO || type == FrameType.BATCH) {
                    throw batchViolation(FrameType.name(type) + " inside a BATCH");
                }
            }
            msg.skipBytes(length);
        }
        if (msg.isReadable()) {
            throw batchViolation("trailing bytes");
        }
        msg.readerIndex(start);
        for (int i = 0; i < count; i++) {
            int length = readId(msg);
            ByteBuf frame = msg.slice(msg.readerIndex(), length);
            msg.skipBytes(length);
            handler.accept(frame);
        }
    }

    private static int readBatchVarint(ByteBuf msg) {
        try {
            return readId(msg);
        } catch (RpcException e) {
            throw batchViolation(e.getMessage());
        }
    }

    private static ProtocolViolation batchViolation(String problem) {
        return new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR, "BATCH: " + problem);
    }

    /** A text the server sends (error message, go-away reason) cut to {@link #MAX_ERROR_MESSAGE_CHARS}. */
    private static String cut(String s) {
        return s.length() > MAX_ERROR_MESSAGE_CHARS ? s.substring(0, MAX_ERROR_MESSAGE_CHARS) + "..." : s;
    }
}
