package dev.hardlight.netty.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import java.util.List;
import io.netty.handler.ssl.SslHandler;

/**
 * The layout of a connection's pipeline, client and server alike: every handler by name, added here
 * and nowhere else. A connection starts with the upgrade layout; on a 101 the upgrade handler makes
 * way for the frame handlers and the keepalive goes first, so every byte read (before TLS) counts as
 * a sign of life. Inbound bytes flow top to bottom:
 *
 * <pre>
 *   while upgrading                          once open
 *   ---------------                          ---------
 *                                            hl-keepalive     KeepAliveHandler
 *   tls              SslHandler (wss)        tls
 *   hl-tls-close     TlsCloseTimer (server,  hl-tls-close
 *                    wss): bounds the close_notify's write, logs with the connection id
 *   hl-record        Recorder (optional)     hl-record
 *   hl-gate          UpgradeGate (server)    (removed once it has fed the bytes it held)
 *                                            hl-receive       ReceiveGuard (server): partial-message time and budget
 *   http             HTTP client codec, or   http             (WebSocket frame codecs, placed by the handshaker)
 *                                            hl-turn          TurnLimit (server): frames decoded per event-loop turn
 *                    server request decoder
 *   http-encoder     HTTP response encoder   (removed by the handshaker)
 *                    (server)
 *   http-aggregator  the upgrade message     http-aggregator
 *   hl-compression   permessage-deflate      hl-compression
 *   hl-upgrade       Client/ServerUpgrade    hl-aggregator    WebSocketFrameAggregator
 *                                            hl-frames        Client/ServerFrameHandler
 * </pre>
 *
 * <p>A server answering a static file ({@link StaticFileHandler}) instead of an upgrade adds
 * {@code hl-static-chunks} (a ChunkedWriteHandler) before {@code hl-upgrade} and closes once the file
 * is written.
 *
 * <p>On the server the HTTP decoder reads one request only: bytes after it (frames a client sent
 * without waiting for the 101, in the same read) are held by {@code hl-gate}, and reading pauses,
 * until the connection is open; then the gate feeds them to the WebSocket decoder that took the HTTP
 * decoder's place, in order, and steps out of the pipeline.
 *
 * <p>Stateless; each method runs on the channel's event loop.
 */
final class Pipelines {
    static final String KEEPALIVE = "hl-keepalive";
    static final String TLS = "tls";
    static final String TLS_CLOSE = "hl-tls-close";
    static final String RECORD = "hl-record";
    static final String GATE = "hl-gate";
    static final String HTTP = "http";
    static final String RECEIVE = "hl-receive";
    static final String TURN = "hl-turn";
    static final String HTTP_ENCODER = "http-encoder";
    static final String HTTP_AGGREGATOR = "http-aggregator";
    static final String COMPRESSION = "hl-compression";
    static final String UPGRADE = "hl-upgrade";
    static final String AGGREGATOR = "hl-aggregator";
    static final String FRAMES = "hl-frames";
    static final String STATIC_CHUNKS = "hl-static-chunks";

    /** The largest refusal answer (headers and body) a client reads during the upgrade. */
    private static final int MAX_UPGRADE_RESPONSE = 16 * 1024;
    /** The largest upgrade request body a server reads (a HardLight upgrade has none), and the largest header block. */
    static final int MAX_UPGRADE_REQUEST = 8 * 1024;
    /** The longest HTTP request line a server reads. */
    static final int MAX_REQUEST_LINE = 4096;

    private Pipelines() {}

    /**
     * A client's pipeline before it connects.
     *
     * @param tls {@code null} for plaintext
     * @param recorder {@code null} to record nothing
     * @param compression {@code null} when compression is off
     */
    static void client(ChannelPipeline p, SslHandler tls, ChannelHandler recorder, ChannelHandler compression,
                       ChannelHandler upgrade) {
        upgrading(p, tls, recorder, new HttpClientCodec(), new HttpObjectAggregator(MAX_UPGRADE_RESPONSE), compression, upgrade);
    }

    /**
     * A server's pipeline of an accepted connection.
     *
     * @param tls {@code null} for plaintext
     * @param tlsClose the bound on the TLS close (with {@code tls} only)
     * @param recorder {@code null} to record nothing
     * @param compression {@code null} when compression is off
     */
    static void server(ChannelPipeline p, SslHandler tls, TlsCloseTimer tlsClose, ChannelHandler recorder,
                       ChannelHandler compression, ChannelHandler upgrade) {
        if (tls != null) {
            p.addLast(TLS, tls);
            p.addLast(TLS_CLOSE, tlsClose);
        }
        if (recorder != null) {
            p.addLast(RECORD, recorder);
        }
        UpgradeGate gate = new UpgradeGate();
        p.addLast(GATE, gate);
        p.addLast(HTTP, new UpgradeRequestDecoder(new HttpDecoderConfig().setMaxInitialLineLength(MAX_REQUEST_LINE)
                .setMaxHeaderSize(MAX_UPGRADE_REQUEST).setMaxChunkSize(8192), gate));
        p.addLast(HTTP_ENCODER, new HttpResponseEncoder());
        p.addLast(HTTP_AGGREGATOR, new UpgradeRequestAggregator(MAX_UPGRADE_REQUEST));
        if (compression != null) {
            p.addLast(COMPRESSION, compression);
        }
        p.addLast(UPGRADE, upgrade);
    }

    /**
     * The server's upgrade aggregator: a request with a body over the limit is answered with 413 and
     * a plain-text reason, and the connection closed at once (not held until the handshake timeout).
     */
    private static final class UpgradeRequestAggregator extends HttpObjectAggregator {
        UpgradeRequestAggregator(int maxContentLength) {
            super(maxContentLength);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            ctx.writeAndFlush(ServerUpgradeHandler.response(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "request body larger than " + maxContentLength() + " bytes: a HardLight upgrade is a GET without a body"))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static void upgrading(ChannelPipeline p, SslHandler tls, ChannelHandler recorder, ChannelHandler http,
                                  ChannelHandler httpAggregator, ChannelHandler compression, ChannelHandler upgrade) {
        if (tls != null) {
            p.addLast(TLS, tls);
        }
        if (recorder != null) {
            p.addLast(RECORD, recorder);
        }
        p.addLast(HTTP, http);
        p.addLast(HTTP_AGGREGATOR, httpAggregator);
        if (compression != null) {
            p.addLast(COMPRESSION, compression);
        }
        p.addLast(UPGRADE, upgrade);
    }

    /**
     * After the 101: the upgrade handler ({@code upgrade}) makes way for the message aggregator and
     * the frame handler, and the keepalive goes first.
     */
    static void open(ChannelHandlerContext upgrade, int maxMessageSize, FrameHandler frames, KeepAliveHandler keepAlive,
                     ReceiveGuard receiveGuard) {
        ChannelPipeline p = upgrade.pipeline();
        if (frames instanceof ServerFrameHandler<?>) {
            encoderBeforeDecoder(p);
        }
        ChannelHandlerContext decoder = p.context(WebSocketFrameDecoder.class);
        if (receiveGuard != null && decoder != null) {
            p.addBefore(decoder.name(), RECEIVE, receiveGuard);
            p.addAfter(decoder.name(), TURN, new TurnLimit(TurnLimit.MAX_FRAMES_PER_TURN, TurnLimit.MAX_TURN_NANOS, RECEIVE));
        }
        p.addAfter(upgrade.name(), AGGREGATOR, new WebSocketFrameAggregator(maxMessageSize));
        p.addAfter(AGGREGATOR, FRAMES, frames);
        p.addFirst(KEEPALIVE, keepAlive);
        p.remove(upgrade.handler());
    }

    /**
     * The handshaker puts the WebSocket decoder in the HTTP decoder's place and the encoder in front of
     * the HTTP encoder, which on the server comes after the decoder: then the close frame the decoder
     * writes on a protocol violation would pass no encoder and never reach the peer. Put a new encoder
     * in front of the decoder (a handler is not re-added; it is stateless, and only the server's layout
     * has this order, so it does not mask).
     */
    private static void encoderBeforeDecoder(ChannelPipeline p) {
        ChannelHandlerContext enc = p.context(WebSocketFrameEncoder.class);
        ChannelHandlerContext dec = p.context(WebSocketFrameDecoder.class);
        if (enc == null || dec == null) {
            return;
        }
        List<String> names = p.names();
        if (names.indexOf(enc.name()) > names.indexOf(dec.name())) {
            String name = enc.name();
            p.remove(name);
            p.addBefore(dec.name(), name, new WebSocket13FrameEncoder(false));
        }
    }

    /** Whether the connection is open: upgraded, its frame handler in place. */
    static boolean isOpen(Channel ch) {
        return ch.pipeline().get(FRAMES) != null;
    }

    /** Whether the connection runs over TLS. */
    static boolean hasTls(ChannelPipeline p) {
        return p.get(SslHandler.class) != null;
    }
}
