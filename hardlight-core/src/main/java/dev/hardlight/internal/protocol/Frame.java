package dev.hardlight.internal.protocol;

import dev.hardlight.Metadata;
import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.Topic;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A whole frame as a value, payload copied out. For golden vectors, tests, record/replay and tools;
 * the runtime's hot path uses {@link Frames} headers and decodes payloads in place. Every record
 * encodes, and {@link #decode} decodes, with the one codec of its frame type in {@link Frames}.
 */
public sealed interface Frame {

    /** Appends this frame's bytes to {@code buf}. */
    void encode(ByteBuf buf);

    record HelloFrame(Hello hello) implements Frame {
        @Override
        public void encode(ByteBuf buf) {
            Frames.writeHello(buf, hello);
        }
    }

    record Call(int callId, int methodId, byte[] arguments) implements Frame {
        @Override
        public void encode(ByteBuf buf) {
            Frames.writeCallHeader(buf, callId, methodId);
            buf.writeBytes(arguments);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Call c && c.callId == callId && c.methodId == methodId && Arrays.equals(c.arguments, arguments);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * callId + methodId) + Arrays.hashCode(arguments);
        }

        @Override
        public String toString() {
            return "Call[callId=" + callId + ", methodId=" + methodId + ", arguments=" + ByteBufUtil.hexDump(arguments) + "]";
        }
    }

    record Result(int callId, byte[] value) implements Frame {
        @Override
        public void encode(ByteBuf buf) {
            Frames.writeResultHeader(buf, callId);
            buf.writeBytes(value);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Result r && r.callId == callId && Arrays.equals(r.value, value);
        }

        @Override
        public int hashCode() {
            return 31 * callId + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Result[callId=" + callId + ", value=" + ByteBufUtil.hexDump(value) + "]";
        }
    }

    record Error(int callId, Status status, String message, int declaredIndex) implements Frame {
        @Override
        public void encode(ByteBuf buf) {
            Frames.writeError(buf, callId, status, message, declaredIndex);
        }
    }

    /** A CALL_META: a call with request metadata (never empty). */
    record CallMeta(int callId, int methodId, Metadata metadata, byte[] arguments) implements Frame {
        @Override
        public void encode(ByteBuf buf) {
            Frames.writeCallHeader(buf, callId, methodId, metadata);
            buf.writeBytes(arguments);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CallMeta c && c.callId == callId && c.methodId == methodId && c.metadata.equals(metadata)
                    && Arrays.equals(c.arguments, arguments);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * (31 * callId + methodId) + metadata.hashCode()) + Arrays.hashCode(arguments);
        }

        @Override
        public String toString() {
            return "CallMeta[callId=" + callId + ", methodId=" + methodId + ", metadata=" + metadata + ", arguments="
                    + ByteBufUtil.hexDump(arguments) + "]";
        }
    }

    /** A RESULT_META: a result with response metadata (never empty). */
    record ResultMeta(int callId, Metadata metadata, byte[] value) implements Frame {
        @Override
        public void encode(ByteBuf buf) {
            Frames.writeResultHeader(buf, callId, metadata);
            buf.writeBytes(value);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ResultMeta r && r.callId == callId && r.metadata.equals(metadata) && Arrays.equals(r.value, value);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * callId + metadata.hashCode()) + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "ResultMeta[callId=" + callId + ", metadata=" + metadata + ", value=" + ByteBufUtil.hexDump(value) + "]";
        }
    }

    /** An ERROR_META: an error with response metadata (never empty). */
    record ErrorMeta(int callId, Metadata metadata, Status status, String message, int declaredIndex)
            implements Frame {
        @Override
        public void encode(ByteBuf buf) {
            Frames.writeError(buf, callId, status, message, declaredIndex, metadata);
        }
    }

    /** A state delta with its field pairs undecoded (their types depend on the state record). */
    record StateDelta(int count, byte[] fields) implements Frame {
        @Override
        public void encode(ByteBuf buf) {
            Frames.writeStateDeltaHeader(buf, count);
            buf.writeBytes(fields);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof StateDelta d && d.count == count && Arrays.equals(d.fields, fields);
        }

        @Override
        public int hashCode() {
            return 31 * count + Arrays.hashCode(fields);
        }

        @Override
        public String toString() {
            return "StateDelta[count=" + count + ", fields=" + ByteBufUtil.hexDump(fields) + "]";
        }
    }

    /** An event with its payload undecoded (its type depends on the service). */
    record EventFrame(Topic topic, byte[] payload) implements Frame {
        @Override
        public void encode(ByteBuf buf) {
            Frames.writeEventHeader(buf, topic, Metadata.empty());
            buf.writeBytes(payload);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof EventFrame e && e.topic.equals(topic) && Arrays.equals(e.payload, payload);
        }

        @Override
        public int hashCode() {
            return 31 * topic.hashCode() + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "EventFrame[topic=" + topic + ", payload=" + ByteBufUtil.hexDump(payload) + "]";
        }
    }

    /** An EVENT_META: an event with metadata (never empty) between its topic and its payload. */
    record EventMeta(Topic topic, Metadata metadata, byte[] payload) implements Frame {
        @Override
        public void encode(ByteBuf buf) {
            Frames.writeEventHeader(buf, topic, metadata);
            buf.writeBytes(payload);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof EventMeta e && e.topic.equals(topic) && e.metadata.equals(metadata)
                    && Arrays.equals(e.payload, payload);
        }

        @Override
        public int hashCode() {
            return (31 * topic.hashCode() + metadata.hashCode()) * 31 + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "EventMeta[topic=" + topic + ", metadata=" + metadata + ", payload=" + ByteBufUtil.hexDump(payload) + "]";
        }
    }

    record EventsMissed(int count) implements Frame {
        @Override
        public void encode(ByteBuf buf) {
            Frames.writeEventsMissed(buf, count);
        }
    }

    /** The whole set of enabled features, names sorted. */
    record FeaturesFrame(List<String> features) implements Frame {
        @Override
        public void encode(ByteBuf buf) {
            Frames.writeFeatures(buf, features);
        }
    }

    record Cancel(int callId) implements Frame {
        @Override
        public void encode(ByteBuf buf) {
            Frames.writeCancel(buf, callId);
        }
    }

    /** The server is shutting down: new calls are refused, calls in flight finish. */
    record GoAway(String reason) implements Frame {
        @Override
        public void encode(ByteBuf buf) {
            Frames.writeGoAway(buf, reason);
        }
    }

    /** A BATCH: 2 to {@link Frames#MAX_BATCH_FRAMES} frames (neither HELLO nor BATCH) in one message. */
    record Batch(List<Frame> frames) implements Frame {
        public Batch {
            frames = List.copyOf(frames);
        }

        @Override
        public void encode(ByteBuf buf) {
            List<ByteBuf> encoded = new ArrayList<>(frames.size());
            try {
                for (Frame f : frames) {
                    ByteBuf b = Unpooled.buffer();
                    encoded.add(b);
                    f.encode(b);
                }
                Frames.writeBatch(buf, encoded);
            } finally {
                encoded.forEach(ByteBuf::release);
            }
        }
    }

    /**
     * Decodes one whole message with the decoders of {@link Frames}, as strictly as the sessions do:
     * what a session would close the connection for throws the same {@link ProtocolViolation} (close
     * code and reason); a CALL_META's bad metadata, which a server answers with an ERROR, is a
     * violation here ("CALL_META: bad metadata: ..."). Does not check what needs a session (ids in
     * flight, limits, direction).
     */
    static Frame decode(ByteBuf buf) {
        int start = buf.readerIndex();
        int type = Frames.readType(buf);
        if (type == FrameType.HELLO) {
            buf.readerIndex(start);
        }
        try {
            return decode(type, buf);
        } catch (RpcException e) {
            throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR, FrameType.name(type) + ": " + e.getMessage());
        }
    }

    private static Frame decode(int type, ByteBuf buf) {
        return switch (type) {
            case FrameType.HELLO -> new HelloFrame(Frames.readHello(buf));
            case FrameType.BATCH -> {
                List<Frame> frames = new ArrayList<>();
                Frames.forEachInBatch(buf, f -> frames.add(decode(f)));
                yield new Batch(frames);
            }
            case FrameType.CALL -> {
                long header = Frames.readCallHeader(buf);
                yield new Call(Frames.callId(header), Frames.methodId(header), rest(buf));
            }
            case FrameType.CALL_META -> {
                long header = Frames.readCallHeader(buf);
                Metadata md = MetadataCodec.read(buf);
                yield new CallMeta(Frames.callId(header), Frames.methodId(header), md, rest(buf));
            }
            case FrameType.RESULT -> new Result(Frames.readAnswerHeader(buf), rest(buf));
            case FrameType.RESULT_META -> {
                int callId = Frames.readAnswerHeader(buf);
                Metadata md = MetadataCodec.read(buf);
                yield new ResultMeta(callId, md, rest(buf));
            }
            case FrameType.ERROR -> {
                Frames.ErrorBody e = Frames.readErrorBody(buf);
                yield new Error(e.callId(), e.status(), e.message(), e.declaredIndex());
            }
            case FrameType.ERROR_META -> {
                int callId = Frames.readAnswerHeader(buf);
                Metadata md = MetadataCodec.read(buf);
                Frames.ErrorBody e = Frames.readErrorRest(buf, callId);
                yield new ErrorMeta(callId, md, e.status(), e.message(), e.declaredIndex());
            }
            case FrameType.CANCEL -> new Cancel(Frames.readCancelBody(buf));
            case FrameType.STATE_DELTA -> new StateDelta(Frames.readStateDeltaHeader(buf), rest(buf));
            case FrameType.EVENT -> new EventFrame(Frames.readEventHeader(buf), rest(buf));
            case FrameType.EVENT_META -> {
                Topic topic = Frames.readEventHeader(buf);
                Metadata md = MetadataCodec.read(buf);
                yield new EventMeta(topic, md, rest(buf));
            }
            case FrameType.FEATURES -> new FeaturesFrame(Frames.readFeaturesBody(buf));
            case FrameType.GO_AWAY -> new GoAway(Frames.readGoAwayBody(buf));
            case FrameType.EVENTS_MISSED -> new EventsMissed(Frames.readEventsMissedBody(buf));
            default -> throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR,
                    "unknown frame type " + FrameType.name(type));
        };
    }

    /** The bytes from the reader index to the end (values the frame does not interpret), copied. */
    private static byte[] rest(ByteBuf buf) {
        return ByteBufUtil.getBytes(buf, buf.readerIndex(), buf.readableBytes());
    }
}
