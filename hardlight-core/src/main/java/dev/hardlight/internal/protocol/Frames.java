package dev.hardlight.internal.protocol;

import dev.hardlight.Status;
import dev.hardlight.codec.WireReader;
import dev.hardlight.internal.codec.ByteBufWireReader;
import dev.hardlight.internal.codec.ByteBufWireWriter;
import dev.hardlight.internal.codec.Varint;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Encoders and header decoders of the frames in {@code docs/protocol.md}. The hot path writes a header
 * and lets the caller append the payload in place (no copy); decoders read a header and leave the
 * buffer's reader index at the payload.
 */
public final class Frames {
    private Frames() {}

    /** The protocol version this implementation speaks. */
    public static final int VERSION = 1;
    /** The WebSocket subprotocol naming {@link #VERSION}. */
    public static final String SUBPROTOCOL = "hardlight.v" + VERSION;
    /** The longest error message sent; longer ones are cut (a bound on what a handler can make us send). */
    public static final int MAX_ERROR_MESSAGE_CHARS = 1024;

    // ---- encoders -------------------------------------------------------------------------------

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

    public static void writeCallHeader(ByteBuf buf, int callId, int methodId) {
        buf.writeByte(FrameType.CALL);
        Varint.writeVarInt(buf, callId);
        Varint.writeVarInt(buf, methodId);
    }

    /** A CALL header, or a CALL_META header with its metadata block when {@code metadata} is not empty. */
    public static void writeCallHeader(ByteBuf buf, int callId, int methodId, dev.hardlight.Metadata metadata) {
        if (metadata.isEmpty()) {
            writeCallHeader(buf, callId, methodId);
            return;
        }
        buf.writeByte(FrameType.CALL_META);
        Varint.writeVarInt(buf, callId);
        Varint.writeVarInt(buf, methodId);
        MetadataCodec.write(buf, metadata);
    }

    /** A RESULT header, or a RESULT_META header with its metadata block when {@code metadata} is not empty. */
    public static void writeResultHeader(ByteBuf buf, int callId, dev.hardlight.Metadata metadata) {
        if (metadata.isEmpty()) {
            writeResultHeader(buf, callId);
            return;
        }
        buf.writeByte(FrameType.RESULT_META);
        Varint.writeVarInt(buf, callId);
        MetadataCodec.write(buf, metadata);
    }

    /** An ERROR, or an ERROR_META with its metadata block when {@code metadata} is not empty. */
    public static void writeError(ByteBuf buf, int callId, Status status, String message, int declaredIndex,
                                  dev.hardlight.Metadata metadata) {
        if (metadata.isEmpty()) {
            writeError(buf, callId, status, message, declaredIndex);
            return;
        }
        buf.writeByte(FrameType.ERROR_META);
        Varint.writeVarInt(buf, callId);
        MetadataCodec.write(buf, metadata);
        writeErrorRest(buf, status, message, declaredIndex);
    }

    public static void writeResultHeader(ByteBuf buf, int callId) {
        buf.writeByte(FrameType.RESULT);
        Varint.writeVarInt(buf, callId);
    }

    /**
     * @param declaredIndex 0 when the error is not a declared exception, else 1 + the index of the
     *     method's declared exception type
     */
    public static void writeError(ByteBuf buf, int callId, Status status, String message, int declaredIndex) {
        buf.writeByte(FrameType.ERROR);
        Varint.writeVarInt(buf, callId);
        writeErrorRest(buf, status, message, declaredIndex);
    }

    private static void writeErrorRest(ByteBuf buf, Status status, String message, int declaredIndex) {
        Varint.writeVarInt(buf, status.code());
        String m = message == null ? "" : message;
        if (m.length() > MAX_ERROR_MESSAGE_CHARS) {
            m = m.substring(0, MAX_ERROR_MESSAGE_CHARS) + "...";
        }
        new ByteBufWireWriter(buf).writeString(m);
        Varint.writeVarInt(buf, declaredIndex);
    }

    public static void writeCancel(ByteBuf buf, int callId) {
        buf.writeByte(FrameType.CANCEL);
        Varint.writeVarInt(buf, callId);
    }

    /** GO_AWAY: the server is shutting down; {@code reason} is cut to {@link #MAX_ERROR_MESSAGE_CHARS} characters. */
    public static void writeGoAway(ByteBuf buf, String reason) {
        buf.writeByte(FrameType.GO_AWAY);
        String r = reason;
        if (r.length() > MAX_ERROR_MESSAGE_CHARS) {
            r = r.substring(0, MAX_ERROR_MESSAGE_CHARS) + "...";
        }
        new ByteBufWireWriter(buf).writeString(r);
    }

    /** The most frames one BATCH may hold. */
    public static final int MAX_BATCH_FRAMES = 256;
    /** HELLO extension tag by which a server announces that it takes and sends BATCH (empty value). */
    public static final int BATCH_HELLO_EXTENSION = 5;

    /**
     * Reads a BATCH body (the type byte already read) and hands each inner frame, as a slice of
     * {@code msg} holding exactly that frame, to {@code handler} in order. The whole structure is checked
     * before any frame is handled: a count below 2 or over {@link #MAX_BATCH_FRAMES}, a length running
     * past the message, bytes after the last frame, or a HELLO or BATCH inside is a protocol violation
     * and nothing is handled. An inner frame that is malformed in itself fails as it would alone, after
     * the frames before it were handled.
     */
    public static void forEachInBatch(ByteBuf msg, java.util.function.Consumer<ByteBuf> handler) {
        int count;
        try {
            count = Varint.readVarInt(msg, false);
        } catch (dev.hardlight.RpcException e) {
            throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR, "BATCH: " + e.getMessage());
        }
        if (count < 2) {
            throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR, "BATCH: count " + count + " (at least 2)");
        }
        if (count > MAX_BATCH_FRAMES) {
            throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR,
                    "BATCH: count " + count + " over the limit " + MAX_BATCH_FRAMES);
        }
        int start = msg.readerIndex();
        for (int i = 0; i < count; i++) {
            int length;
            try {
                length = Varint.readVarInt(msg, false);
            } catch (dev.hardlight.RpcException e) {
                throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR, "BATCH: " + e.getMessage());
            }
            if (length > msg.readableBytes()) {
                throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR, "BATCH: frame " + i + " overruns the message");
            }
            if (length > 0) {
                int type = msg.getUnsignedByte(msg.readerIndex());
                if (type == FrameType.HELLO || type == FrameType.BATCH) {
                    throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR,
                            "BATCH: " + FrameType.name(type) + " inside a BATCH");
                }
            }
            msg.skipBytes(length);
        }
        if (msg.isReadable()) {
            throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR, "BATCH: trailing bytes");
        }
        msg.readerIndex(start);
        for (int i = 0; i < count; i++) {
            int length = Varint.readVarInt(msg, false);
            ByteBuf frame = msg.slice(msg.readerIndex(), length);
            msg.skipBytes(length);
            handler.accept(frame);
        }
    }

    /** Writes a BATCH of whole frames (each at least one byte; 2 to {@link #MAX_BATCH_FRAMES} of them). */
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

    // ---- decoders -------------------------------------------------------------------------------

    /** Reads the type byte; an empty message is malformed. */
    public static int readType(ByteBuf buf) {
        if (!buf.isReadable()) {
            throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR, "empty message");
        }
        return buf.readUnsignedByte();
    }

    /** Reads a varint id field (call id, method id) of a frame. */
    public static int readId(ByteBuf buf) {
        return Varint.readVarInt(buf, false);
    }

    /** Decodes a whole HELLO frame, type byte included. */
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

    /** The body of a GO_AWAY frame after its type byte: the reason. */
    public static String readGoAwayBody(ByteBuf buf) {
        WireReader r = new ByteBufWireReader(buf);
        String reason = r.readString();
        r.expectEnd("GO_AWAY");
        return reason;
    }

    /** The body of an ERROR frame after its type byte. */
    public record ErrorBody(int callId, Status status, int statusCode, String message, int declaredIndex) {}

    public static ErrorBody readErrorBody(ByteBuf buf) {
        WireReader r = new ByteBufWireReader(buf);
        int callId = r.readVarInt();
        return readErrorRest(r, callId);
    }

    /** The rest of an ERROR or ERROR_META body once its call id (and metadata) were read. */
    public static ErrorBody readErrorRest(WireReader r, int callId) {
        int code = r.readVarInt();
        String message = r.readString();
        int declared = r.readVarInt();
        r.expectEnd("ERROR");
        return new ErrorBody(callId, Status.fromCode(code), code, message, declared);
    }
}
