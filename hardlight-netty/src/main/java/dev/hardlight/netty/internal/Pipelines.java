package dev.hardlight.netty.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
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
 *   hl-record        Recorder (optional)     hl-record
 *   http             HTTP client/server      http             (WebSocket frame codecs, placed by the handshaker)
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
 * <p>Stateless; each method runs on the channel's event loop.
 */
final class Pipelines {
    static final String KEEPALIVE = "hl-keepalive";
    static final String TLS = "tls";
    static final String RECORD = "hl-record";
    static final String HTTP = "http";
    static final String HTTP_AGGREGATOR = "http-aggregator";
    static final String COMPRESSION = "hl-compression";
    static final String UPGRADE = "hl-upgrade";
    static final String AGGREGATOR = "hl-aggregator";
    static final String FRAMES = "hl-frames";
    static final String STATIC_CHUNKS = "hl-static-chunks";

    /** The largest refusal answer (headers and body) a client reads during the upgrade. */
    private static final int MAX_UPGRADE_RESPONSE = 16 * 1024;
    /** The largest upgrade request (headers and body) a server reads. */
    static final int MAX_UPGRADE_REQUEST = 8 * 1024;

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
     * @param recorder {@code null} to record nothing
     * @param compression {@code null} when compression is off
     */
    static void server(ChannelPipeline p, SslHandler tls, ChannelHandler recorder, ChannelHandler compression,
                       ChannelHandler upgrade) {
        upgrading(p, tls, recorder, new HttpServerCodec(4096, MAX_UPGRADE_REQUEST, 8192),
                new HttpObjectAggregator(MAX_UPGRADE_REQUEST), compression, upgrade);
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
    static void open(ChannelHandlerContext upgrade, int maxMessageSize, FrameHandler frames, KeepAliveHandler keepAlive) {
        ChannelPipeline p = upgrade.pipeline();
        p.addAfter(upgrade.name(), AGGREGATOR, new WebSocketFrameAggregator(maxMessageSize));
        p.addAfter(AGGREGATOR, FRAMES, frames);
        p.addFirst(KEEPALIVE, keepAlive);
        p.remove(upgrade.handler());
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
