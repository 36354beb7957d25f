package dev.hardlight.netty.internal;

import dev.hardlight.Topic;
import dev.hardlight.internal.protocol.FrameType;
import dev.hardlight.internal.protocol.Frames;
import dev.hardlight.internal.protocol.Hello;
import dev.hardlight.internal.protocol.MetadataCodec;
import dev.hardlight.netty.Recording;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Turns one HardLight message (the payload of one WebSocket binary message) into a
 * {@link Recording.Frame}, with the frame decoders of the protocol core ({@link Frames}), as strict as
 * the sessions: what a session would refuse is shown MALFORMED with the reason. Values
 * (arguments, results, state, event payloads) are shown as hex bytes: decoding them needs the
 * contract's codecs. Remembers the method table of the HELLO to name the methods of later CALLs.
 *
 * <p>Not thread-safe: one per replay.
 */
final class MessageDescriber {
    /** Value bytes shown before "...". */
    private static final int MAX_HEX_BYTES = 32;
    private static final int MAX_TEXT_CHARS = 200;

    private final Map<Integer, String> methods = new HashMap<>();

    /** Describes {@code message}; a malformed one gives a MALFORMED frame. The buffer's indexes are not moved. */
    Recording.Frame describe(Recording.Side sender, long time, ByteBuf message) {
        ByteBuf buf = message.duplicate();
        if (!buf.isReadable()) {
            return new Recording.Frame(sender, time, "MALFORMED", -1, "an empty message");
        }
        int type = buf.getUnsignedByte(buf.readerIndex());
        try {
            return describe(sender, time, type, buf);
        } catch (RuntimeException e) {
            // The core's parsers throw ProtocolViolation or RpcException on malformed input.
            return new Recording.Frame(sender, time, "MALFORMED", -1,
                    FrameType.name(type) + ": " + e.getMessage() + " (" + hex(message) + ")");
        }
    }

    private Recording.Frame describe(Recording.Side sender, long time, int type, ByteBuf buf) {
        if (type == FrameType.HELLO) {
            return new Recording.Frame(sender, time, "HELLO", -1, hello(Frames.readHello(buf)));
        }
        buf.skipBytes(1);
        String name = FrameType.name(type);
        return switch (type) {
            case FrameType.CALL, FrameType.CALL_META -> {
                long header = Frames.readCallHeader(buf);
                int methodId = Frames.methodId(header);
                String method = methods.getOrDefault(methodId, "method " + methodId);
                String md = type == FrameType.CALL ? "" : " " + metadata(buf);
                yield new Recording.Frame(sender, time, name, Frames.callId(header), method + "(" + hex(buf) + ")" + md);
            }
            case FrameType.RESULT, FrameType.RESULT_META -> {
                int callId = Frames.readAnswerHeader(buf);
                String md = type == FrameType.RESULT ? "" : " " + metadata(buf);
                yield new Recording.Frame(sender, time, name, callId, (buf.isReadable() ? hex(buf) : "(void)") + md);
            }
            case FrameType.ERROR, FrameType.ERROR_META -> {
                int callId = Frames.readAnswerHeader(buf);
                String md = type == FrameType.ERROR ? "" : " " + metadata(buf);
                Frames.ErrorBody e = Frames.readErrorRest(buf, callId);
                yield new Recording.Frame(sender, time, name, callId, e.status() + " \"" + text(e.message()) + "\""
                        + (e.declaredIndex() == 0 ? "" : " declared exception " + (e.declaredIndex() - 1)) + md);
            }
            case FrameType.CANCEL -> new Recording.Frame(sender, time, name, Frames.readCancelBody(buf), "");
            case FrameType.STATE_DELTA -> {
                int count = Frames.readStateDeltaHeader(buf);
                yield new Recording.Frame(sender, time, name, -1, count + " field" + (count == 1 ? "" : "s") + ": " + hex(buf));
            }
            case FrameType.EVENT, FrameType.EVENT_META -> {
                Topic topic = Frames.readEventHeader(buf);
                String md = type == FrameType.EVENT ? "" : " " + metadata(buf);
                yield new Recording.Frame(sender, time, name, -1, "topic " + topic(topic) + ": " + hex(buf) + md);
            }
            case FrameType.FEATURES -> new Recording.Frame(sender, time, name, -1, Frames.readFeaturesBody(buf).toString());
            case FrameType.GO_AWAY -> new Recording.Frame(sender, time, name, -1, "\"" + text(Frames.readGoAwayBody(buf)) + "\"");
            case FrameType.EVENTS_MISSED ->
                    new Recording.Frame(sender, time, name, -1, Frames.readEventsMissedBody(buf) + " events dropped");
            case FrameType.BATCH -> {
                // One line for the message: each inner frame as its own description would give it.
                StringBuilder inner = new StringBuilder();
                Frames.forEachInBatch(buf, f -> {
                    Recording.Frame d = describe(sender, time, f.getUnsignedByte(f.readerIndex()), f);
                    inner.append(inner.isEmpty() ? "" : "; ").append(d.type())
                            .append(d.callId() >= 0 ? " #" + d.callId() : "").append(' ').append(d.summary());
                });
                yield new Recording.Frame(sender, time, name, -1, inner.toString());
            }
            default -> new Recording.Frame(sender, time, "MALFORMED", -1, "unknown frame type " + name + " ("
                    + hex(buf.readerIndex(buf.readerIndex() - 1)) + ")");
        };
    }

    private String hello(Hello h) {
        StringBuilder s = new StringBuilder();
        s.append("v").append(h.version()).append(' ').append(h.service())
                .append(" fingerprint ").append(HexFormat.of().formatHex(h.fingerprint(), 0, 8))
                .append(" maxInFlight ").append(h.maxInFlight())
                .append(" maxMessageSize ").append(h.maxMessageSize())
                .append(" methods [");
        for (int i = 0; i < h.methods().size(); i++) {
            Hello.MethodEntry m = h.methods().get(i);
            methods.put(m.id(), m.name());
            s.append(i == 0 ? "" : " ").append(m.name()).append('=').append(m.id());
        }
        s.append("] extensions [");
        for (int i = 0; i < h.extensions().size(); i++) {
            Hello.Extension e = h.extensions().get(i);
            s.append(i == 0 ? "" : " ").append(e.tag()).append(':').append(hex(Unpooled.wrappedBuffer(e.value())));
        }
        return s.append(']').toString();
    }

    /** The readable bytes as hex, cut after {@value #MAX_HEX_BYTES} bytes. */
    static String hex(ByteBuf buf) {
        int n = buf.readableBytes();
        if (n == 0) {
            return "";
        }
        String h = ByteBufUtil.hexDump(buf, buf.readerIndex(), Math.min(n, MAX_HEX_BYTES)).replaceAll("(..)(?!$)", "$1 ");
        return n <= MAX_HEX_BYTES ? h : h + " ... (" + n + " bytes)";
    }

    private static String metadata(ByteBuf buf) {
        return text(MetadataCodec.read(buf).toString());
    }

    private static String topic(Topic t) {
        byte[] topic = new byte[t.length()];
        t.copyTo(topic, 0);
        String s = new String(topic, StandardCharsets.UTF_8);
        boolean printable = s.chars().allMatch(c -> c >= 0x20 && c != 0x7f && c != 0xFFFD);
        return printable ? "\"" + text(s) + "\"" : HexFormat.ofDelimiter(" ").formatHex(topic);
    }

    /** Text cut to {@value #MAX_TEXT_CHARS} characters, control characters replaced, so one frame stays one line. */
    static String text(String s) {
        String t = s.replaceAll("[\\x00-\\x1f\\x7f]", "?");
        return t.length() <= MAX_TEXT_CHARS ? t : t.substring(0, MAX_TEXT_CHARS) + "...";
    }
}
