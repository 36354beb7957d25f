package dev.hardlight.netty.internal;

import dev.hardlight.internal.protocol.Frames;
import dev.hardlight.internal.protocol.ProtocolViolation;
import dev.hardlight.internal.protocol.ServerSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of a server connection: checks the upgrade request (path, GET, WebSocket upgrade,
 * {@code Sec-WebSocket-Protocol}) and refuses it with a plain-text HTTP answer <em>before</em> any
 * WebSocket exists; otherwise completes the handshake, opens the session (the handler factory runs
 * here, on the event loop) and replaces itself with the frame handlers. A connection that has not
 * upgraded within {@link #UPGRADE_TIMEOUT_SECONDS} seconds is closed.
 *
 * <p>Not thread-safe: runs on the channel's event loop.
 */
final class ServerUpgradeHandler<S> extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(ServerUpgradeHandler.class);

    /** Time from TCP accept to a complete upgrade request. */
    static final int UPGRADE_TIMEOUT_SECONDS = 10;

    private final NettyServer<S> server;
    private final ServerConfig<S> config;
    private final long id;
    private final String logPrefix;
    private ScheduledFuture<?> timeout;

    ServerUpgradeHandler(NettyServer<S> server, long id, SocketAddress remote) {
        this.server = server;
        this.config = server.config();
        this.id = id;
        this.logPrefix = "[hl-conn " + id + " " + NettyServer.describe(remote) + "] ";
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        timeout = ctx.executor().schedule(() -> {
            log.debug("{}no WebSocket upgrade within {} s, closing", logPrefix, UPGRADE_TIMEOUT_SECONDS);
            ctx.close();
        }, UPGRADE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimeout();
        super.channelInactive(ctx);
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request: " + req.decoderResult().cause());
            return;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        if (!path.equals(config.path())) {
            refuse(ctx, HttpResponseStatus.NOT_FOUND, "no HardLight service at " + path);
            return;
        }
        if (!HttpMethod.GET.equals(req.method())) {
            FullHttpResponse res = response(HttpResponseStatus.METHOD_NOT_ALLOWED,
                    req.method() + " is not allowed: a HardLight connection starts with a GET WebSocket upgrade");
            res.headers().set(HttpHeaderNames.ALLOW, "GET");
            send(ctx, res);
            return;
        }
        if (!req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                || !req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
            FullHttpResponse res = response(HttpResponseStatus.UPGRADE_REQUIRED,
                    "this is a HardLight endpoint: send a WebSocket upgrade with Sec-WebSocket-Protocol: " + Frames.SUBPROTOCOL);
            res.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
            send(ctx, res);
            return;
        }
        List<String> offered = subprotocols(req);
        if (offered.isEmpty()) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST,
                    "missing Sec-WebSocket-Protocol: this server speaks " + Frames.SUBPROTOCOL);
            return;
        }
        if (!offered.contains(Frames.SUBPROTOCOL)) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "client offers " + String.join(", ", offered)
                    + "; this server speaks " + Frames.SUBPROTOCOL + ": upgrade the client or the server to a common version");
            return;
        }
        upgrade(ctx, req);
    }

    private static List<String> subprotocols(FullHttpRequest req) {
        List<String> offered = new ArrayList<>();
        for (String header : req.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)) {
            for (String p : header.split(",")) {
                String t = p.trim();
                if (!t.isEmpty()) {
                    offered.add(t);
                }
            }
        }
        return offered;
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean tls = ctx.pipeline().get(SslHandler.class) != null;
        String url = (tls ? "wss://" : "ws://") + req.headers().get(HttpHeaderNames.HOST, "localhost") + config.path();
        WebSocketServerHandshaker handshaker =
                new WebSocketServerHandshakerFactory(url, Frames.SUBPROTOCOL, server.decoderConfig()).newHandshaker(req);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel())
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        cancelTimeout();
        handshaker.handshake(ctx.channel(), req);
        // The 101 is written; what we write from now on follows it. Open the session at once so that
        // no frame can arrive before its handler exists.
        String prefix = logPrefix;
        ChannelOutbound out = new ChannelOutbound(ctx.channel(), false, config.slowConsumer(), prefix);
        ServerSession<S> session;
        try {
            session = ServerSession.open(config.service(), config.factory(), server.topics(), id, ctx.channel().remoteAddress(), out,
                    server.executor(), config.maxInFlight(), config.maxMessageSize(), prefix);
        } catch (Throwable t) {
            log.warn("{}the handler factory failed, closing with 1011", prefix, t);
            ctx.pipeline().remove(this);
            out.close(ProtocolViolation.INTERNAL_ERROR, "the server could not open the connection");
            return;
        }
        ChannelPipeline p = ctx.pipeline();
        p.addAfter(ctx.name(), "hl-aggregator", new WebSocketFrameAggregator(config.maxMessageSize()));
        p.addAfter("hl-aggregator", "hl-frames", new ServerFrameHandler<>(server, session, out, prefix, config.maxMessageSize()));
        p.remove(this);
        log.debug("{}open", prefix);
        session.start();
    }

    private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String reason) {
        log.debug("{}upgrade refused: {} {}", logPrefix, status, reason);
        send(ctx, response(status, reason));
    }

    private static FullHttpResponse response(HttpResponseStatus status, String reason) {
        ByteBuf body = ByteBufUtil.writeUtf8(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, reason + "\n");
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return res;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse res) {
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}error before the upgrade: {}", logPrefix, cause.toString());
        ctx.close();
    }
}
