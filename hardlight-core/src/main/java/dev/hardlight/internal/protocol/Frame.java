package dev.hardlight.internal.protocol;

import dev.hardlight.Status;
import dev.hardlight.codec.WireReader;
import dev.hardlight.internal.codec.ByteBufWireReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.Arrays;

/**
 * A whole frame as a value, payload copied out. For golden vectors, tests, record/replay and tools;
 * the runtime's hot path uses {@link Frames} headers and decodes payloads in place.
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
    record CallMeta(int callId, int methodId, dev.hardlight.Metadata metadata, byte[] arguments) implements Frame {
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
    record ResultMeta(int callId, dev.hardlight.Metadata metadata, byte[] value) implements Frame {
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
    record ErrorMeta(int callId, dev.hardlight.Metadata metadata, Status status, String message, int declaredIndex)
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
            buf.writeByte(FrameType.STATE_DELTA);
            dev.hardlight.internal.codec.Varint.writeVarInt(buf, count);
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
    record EventFrame(dev.hardlight.Topic topic, byte[] payload) implements Frame {
        @Override
        public void encode(ByteBuf buf) {
            buf.writeByte(FrameType.EVENT);
            new dev.hardlight.internal.codec.ByteBufWireWriter(buf).writeTopic(topic);
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
    record EventMeta(dev.hardlight.Topic topic, dev.hardlight.Metadata metadata, byte[] payload) implements Frame {
        @Override
        public void encode(ByteBuf buf) {
            buf.writeByte(FrameType.EVENT_META);
            new dev.hardlight.internal.codec.ByteBufWireWriter(buf).writeTopic(topic);
            MetadataCodec.write(buf, metadata);
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

    record EventsMissed(long count) implements Frame {
        @Override
        public void encode(ByteBuf buf) {
            buf.writeByte(FrameType.EVENTS_MISSED);
            dev.hardlight.internal.codec.Varint.writeVarLong(buf, count);
        }
    }

    /** The whole set of enabled features, names sorted. */
    record FeaturesFrame(java.util.List<String> features) implements Frame {
        @Override
        public void encode(ByteBuf buf) {
            buf.writeByte(FrameType.FEATURES);
            SessionFeatures.write(buf, new java.util.TreeSet<>(features));
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

    /**
     * Decodes one whole message. Throws {@link ProtocolViolation} for an unknown or reserved type and
     * {@link dev.hardlight.RpcException} ({@code PROTOCOL_ERROR}) for a malformed body.
     */
    /** A BATCH: 2 to {@link Frames#MAX_BATCH_FRAMES} frames (neither HELLO nor BATCH) in one message. */
    record Batch(java.util.List<Frame> frames) implements Frame {
        public Batch {
            frames = java.util.List.copyOf(frames);
        }

        @Override
        public void encode(ByteBuf buf) {
            java.util.List<ByteBuf> encoded = new java.util.ArrayList<>(frames.size());
            try {
                for (Frame f : frames) {
                    ByteBuf b = io.netty.buffer.Unpooled.buffer();
                    encoded.add(b);
                    f.encode(b);
                }
                Frames.writeBatch(buf, encoded);
            } finally {
                encoded.forEach(ByteBuf::release);
            }
        }
    }

    static Frame decode(ByteBuf buf) {
        int start = buf.readerIndex();
        int type = Frames.readType(buf);
        switch (type) {
            case FrameType.HELLO -> {
                buf.readerIndex(start);
                return new HelloFrame(Frames.readHello(buf));
            }
            case FrameType.BATCH -> {
                java.util.List<Frame> frames = new java.util.ArrayList<>();
                Frames.forEachInBatch(buf, f -> frames.add(decode(f)));
                return new Batch(frames);
            }
            case FrameType.CALL -> {
                int callId = Frames.readId(buf);
                int methodId = Frames.readId(buf);
                return new Call(callId, methodId, ByteBufUtil.getBytes(buf, buf.readerIndex(), buf.readableBytes()));
            }
            case FrameType.RESULT -> {
                int callId = Frames.readId(buf);
                return new Result(callId, ByteBufUtil.getBytes(buf, buf.readerIndex(), buf.readableBytes()));
            }
            case FrameType.ERROR -> {
                Frames.ErrorBody e = Frames.readErrorBody(buf);
                return new Error(e.callId(), e.status(), e.message(), e.declaredIndex());
            }
            case FrameType.CALL_META -> {
                int callId = Frames.readId(buf);
                int methodId = Frames.readId(buf);
                dev.hardlight.Metadata md = MetadataCodec.read(buf);
                return new CallMeta(callId, methodId, md, ByteBufUtil.getBytes(buf, buf.readerIndex(), buf.readableBytes()));
            }
            case FrameType.RESULT_META -> {
                int callId = Frames.readId(buf);
                dev.hardlight.Metadata md = MetadataCodec.read(buf);
                return new ResultMeta(callId, md, ByteBufUtil.getBytes(buf, buf.readerIndex(), buf.readableBytes()));
            }
            case FrameType.ERROR_META -> {
                int callId = Frames.readId(buf);
                dev.hardlight.Metadata md = MetadataCodec.read(buf);
                WireReader r = new ByteBufWireReader(buf);
                Frames.ErrorBody e = Frames.readErrorRest(r, callId);
                return new ErrorMeta(callId, md, e.status(), e.message(), e.declaredIndex());
            }
            case FrameType.STATE_DELTA -> {
                int count = Frames.readId(buf);
                return new StateDelta(count, ByteBufUtil.getBytes(buf, buf.readerIndex(), buf.readableBytes()));
            }
            case FrameType.EVENT -> {
                dev.hardlight.Topic topic = new ByteBufWireReader(buf).readTopic();
                return new EventFrame(topic, ByteBufUtil.getBytes(buf, buf.readerIndex(), buf.readableBytes()));
            }
            case FrameType.EVENT_META -> {
                dev.hardlight.Topic topic = new ByteBufWireReader(buf).readTopic();
                dev.hardlight.Metadata md = MetadataCodec.read(buf);
                return new EventMeta(topic, md, ByteBufUtil.getBytes(buf, buf.readerIndex(), buf.readableBytes()));
            }
            case FrameType.EVENTS_MISSED -> {
                WireReader r = new ByteBufWireReader(buf);
                long count = r.readVarLong();
                r.expectEnd("EVENTS_MISSED");
                return new EventsMissed(count);
            }
            case FrameType.FEATURES -> {
                WireReader r = new ByteBufWireReader(buf);
                int n = r.readCount();
                java.util.List<String> names = new java.util.ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    names.add(r.readString());
                }
                r.expectEnd("FEATURES");
                return new FeaturesFrame(names);
            }
            case FrameType.CANCEL -> {
                WireReader r = new ByteBufWireReader(buf);
                int callId = r.readVarInt();
                r.expectEnd("CANCEL");
                return new Cancel(callId);
            }
            case FrameType.GO_AWAY -> {
                return new GoAway(Frames.readGoAwayBody(buf));
            }
            default -> throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR,
                    "unknown frame type " + FrameType.name(type));
        }
    }
}
