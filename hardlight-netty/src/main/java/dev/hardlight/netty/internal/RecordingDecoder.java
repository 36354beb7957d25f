package dev.hardlight.netty.internal;

import dev.hardlight.netty.Recording;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateClientExtensionHandshaker;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Replays a recording: each side's bytes go through what a live peer would run them through. First
 * the HTTP upgrade (request from the client, response from the server), then Netty's
 * {@link WebSocket08FrameDecoder} (masked frames expected from the client, unmasked from the server),
 * permessage-deflate's decoder when the server's 101 accepted it, the frame aggregator, and for each
 * binary message the protocol core's frame parsers ({@link MessageDescriber}).
 *
 * <p>Bounded: a message may inflate to at most {@link #MAX_MESSAGE} bytes, an HTTP head may take
 * {@link #MAX_HTTP_HEAD} bytes. Not thread-safe: one per replay.
 */
public final class RecordingDecoder {
    /** The largest WebSocket message decoded: beyond any live connection's limit. */
    static final int MAX_MESSAGE = 64 * 1024 * 1024;
    /** The largest HTTP request or response head. */
    static final int MAX_HTTP_HEAD = 64 * 1024;

    private final List<Recording.Frame> frames = new ArrayList<>();
    private final MessageDescriber messages = new MessageDescriber();
    private final Flow fromClient = new Flow(Recording.Side.CLIENT);
    private final Flow fromServer = new Flow(Recording.Side.SERVER);
    /** Whether the server's 101 accepted permessage-deflate. */
    private boolean deflate;

    private RecordingDecoder() {}

    /** The frames of a recording made by {@code side}, in the order that side saw them. */
    public static List<Recording.Frame> decode(Recording.Side side, List<Recording.Entry> entries) {
        RecordingDecoder d = new RecordingDecoder();
        try {
            for (Recording.Entry e : entries) {
                Flow flow = e.sender(side) == Recording.Side.CLIENT ? d.fromClient : d.fromServer;
                flow.accept(e.timeNanos(), e.bytes());
            }
        } finally {
            d.fromClient.close();
            d.fromServer.close();
        }
        return List.copyOf(d.frames);
    }

    private enum Stage { HTTP, HTTP_BODY, WEBSOCKET, BROKEN }

    /** The bytes one side sent, decoded in order. */
    private final class Flow {
        private final Recording.Side sender;
        private Stage stage = Stage.HTTP;
        private final ByteArrayOutputStream head = new ByteArrayOutputStream();
        private EmbeddedChannel webSocket;

        Flow(Recording.Side sender) {
            this.sender = sender;
        }

        void accept(long time, byte[] bytes) {
            int offset = 0;
            if (stage == Stage.HTTP) {
                offset = httpHead(time, bytes);
                if (offset < 0) {
                    return; // the head goes on in a later entry
                }
            }
            if (offset == bytes.length) {
                return;
            }
            switch (stage) {
                case HTTP_BODY -> frame(time, "HTTP_BODY", -1, MessageDescriber.text(
                        new String(bytes, offset, bytes.length - offset, StandardCharsets.UTF_8).strip()));
                case WEBSOCKET -> webSocket(time, Unpooled.wrappedBuffer(bytes, offset, bytes.length - offset));
                default -> {} // BROKEN: nothing more is decoded in this direction
            }
        }

        /** Collects the HTTP head; returns the offset of the first byte after it, or -1 if it is not complete. */
        private int httpHead(long time, byte[] bytes) {
            int before = head.size();
            head.write(bytes, 0, bytes.length);
            byte[] all = head.toByteArray();
            int end = indexOfBlankLine(all, Math.max(0, before - 3));
            if (end < 0) {
                if (all.length > MAX_HTTP_HEAD) {
                    broken(time, "no end of the HTTP head within " + MAX_HTTP_HEAD + " bytes");
                }
                return -1;
            }
            String text = new String(all, 0, end, StandardCharsets.ISO_8859_1);
            String[] lines = text.split("\r\n");
            String protocol = header(lines, "sec-websocket-protocol");
            String extensions = header(lines, "sec-websocket-extensions");
            String summary = lines[0] + (protocol == null ? "" : ", protocol " + protocol)
                    + (extensions == null ? "" : ", extensions " + extensions);
            frame(time, "HTTP", -1, MessageDescriber.text(summary));
            if (sender == Recording.Side.SERVER) {
                boolean upgraded = lines[0].matches("HTTP/1\\.1 101( .*)?");
                deflate = upgraded && extensions != null && extensions.toLowerCase(Locale.ROOT).contains("permessage-deflate");
                stage = upgraded ? Stage.WEBSOCKET : Stage.HTTP_BODY;
            } else {
                stage = Stage.WEBSOCKET;
            }
            head.reset();
            return end + 4 - before;
        }

        private void webSocket(long time, ByteBuf bytes) {
            if (webSocket == null) {
                webSocket = newWebSocketDecoder();
            }
            try {
                webSocket.writeInbound(bytes);
            } catch (RuntimeException e) {
                drain(time);
                broken(time, "WebSocket: " + e.getMessage());
                return;
            }
            drain(time);
        }

        private void drain(long time) {
            for (Object o = webSocket.readInbound(); o != null; o = webSocket.readInbound()) {
                WebSocketFrame f = (WebSocketFrame) o;
                try {
                    webSocketFrame(time, f);
                } finally {
                    f.release();
                }
            }
        }

        private void webSocketFrame(long time, WebSocketFrame f) {
            if (f instanceof BinaryWebSocketFrame) {
                byte[] message = ByteBufUtil.getBytes(f.content());
                Recording.Frame d = messages.describe(sender, time, f.content());
                frames.add(new Recording.Frame(d.sender(), d.timeNanos(), d.type(), d.callId(), d.summary(), message));
            } else if (f instanceof CloseWebSocketFrame c) {
                frame(time, "WS_CLOSE", -1, c.content().readableBytes() < 2 ? "(no status)"
                        : c.statusCode() + " \"" + MessageDescriber.text(c.reasonText()) + "\"");
            } else if (f instanceof PingWebSocketFrame) {
                frame(time, "WS_PING", -1, MessageDescriber.hex(f.content()));
            } else if (f instanceof PongWebSocketFrame) {
                frame(time, "WS_PONG", -1, MessageDescriber.hex(f.content()));
            } else if (f instanceof TextWebSocketFrame t) {
                frame(time, "WS_TEXT", -1, "\"" + MessageDescriber.text(t.text()) + "\"");
            }
        }

        /** The decoders of a live peer receiving what this side sends. */
        private EmbeddedChannel newWebSocketDecoder() {
            EmbeddedChannel ch = new EmbeddedChannel();
            ch.pipeline().addLast(new WebSocket08FrameDecoder(WebSocketDecoderConfig.newBuilder()
                    .expectMaskedFrames(sender == Recording.Side.CLIENT)
                    .allowMaskMismatch(false)
                    .allowExtensions(true)
                    .maxFramePayloadLength(MAX_MESSAGE)
                    .closeOnProtocolViolation(false)
                    .build()));
            if (deflate) {
                // Context takeover assumed: it also decodes a sender that resets its context per message.
                ch.pipeline().addLast(new PerMessageDeflateClientExtensionHandshaker(PerMessageDeflate.LEVEL, true, 15, true, false,
                                MAX_MESSAGE)
                        .handshakeExtension(new WebSocketExtensionData("permessage-deflate", Map.of()))
                        .newExtensionDecoder());
            }
            ch.pipeline().addLast(new WebSocketFrameAggregator(MAX_MESSAGE));
            return ch;
        }

        private void broken(long time, String why) {
            stage = Stage.BROKEN;
            frame(time, "MALFORMED", -1, MessageDescriber.text(why));
        }

        private void frame(long time, String type, int callId, String summary) {
            frames.add(new Recording.Frame(sender, time, type, callId, summary));
        }

        void close() {
            if (webSocket != null) {
                webSocket.finishAndReleaseAll();
            }
        }
    }

    private static int indexOfBlankLine(byte[] b, int from) {
        for (int i = from; i + 3 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static String header(String[] lines, String name) {
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).trim().equalsIgnoreCase(name)) {
                return lines[i].substring(colon + 1).trim();
            }
        }
        return null;
    }
}
