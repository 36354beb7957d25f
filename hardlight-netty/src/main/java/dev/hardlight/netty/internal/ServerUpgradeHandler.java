package dev.hardlight.netty.internal;

import dev.hardlight.Authenticator;
import dev.hardlight.internal.protocol.Frames;
import dev.hardlight.internal.protocol.ProtocolViolation;
import dev.hardlight.internal.protocol.ServerSession;
import dev.hardlight.netty.RpcObserver;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.channel.ChannelHandlerContext;
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
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.SocketAddress;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of a server connection: checks the upgrade request (path, GET, WebSocket upgrade,
 * {@code Sec-WebSocket-Protocol}, {@code Origin}), then asks the authenticator (if any) on a virtual
 * thread, and refuses the upgrade with a plain-text HTTP answer <em>before</em> any WebSocket exists;
 * otherwise, back on the event loop, completes the handshake, opens the session (the handler factory
 * runs here, on the event loop) and replaces itself with the frame handlers and the keepalive. A
 * connection that has not upgraded within the handshake timeout, counted from TCP accept (so TLS,
 * the HTTP request and the authenticator together), is closed, and a still-running authenticator
 * interrupted. A connection over the server's connection limits answers its request with 503 and
 * the reason, whatever the request. The request's path picks the service ({@link ServedService}); its
 * origin policy, authenticator, handlers and limits apply from then on. With static files configured,
 * a request for a path with no service is answered from them ({@link StaticFileHandler}) instead of
 * with 404.
 *
 * <p>Not thread-safe: runs on the channel's event loop (except the authenticator's thread, which
 * only hands its result back to the event loop).
 */
final class ServerUpgradeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(ServerUpgradeHandler.class);

    private final NettyServer server;
    private final ServerConfig config;
    /** The service the request's path names, once known. */
    private ServedService service;
    private final long id;
    private final String logPrefix;
    /** Why the connection limits refuse this connection, or {@code null} when admitted. */
    private final String refusal;
    private ScheduledFuture<?> timeout;
    /** The request being authenticated (retained), or {@code null}. */
    private FullHttpRequest pending;
    /** The authenticator's thread while it runs. */
    private Thread authenticating;
    /** Set once the connection closed or timed out: an authenticator's late result is dropped. */
    private boolean abandoned;

    /** Tells the connection limits the handshake is over (idempotent). */
    private final Runnable handshakeEnded;

    /**
     * @param refusal the connection limit's reason to refuse, or {@code null}
     * @param handshakeEnded called once the connection is open (the limits count handshakes in progress)
     */
    ServerUpgradeHandler(NettyServer server, long id, SocketAddress remote, String refusal, Runnable handshakeEnded) {
        this.server = server;
        this.handshakeEnded = handshakeEnded;
        this.refusal = refusal;
        this.config = server.config();
        this.id = id;
        this.logPrefix = "[hl-conn " + id + " " + NettyServer.describe(remote) + "] ";
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        // Fired at TCP accept, before the TLS handshake: the timer bounds TLS, HTTP and the authenticator.
        long millis = config.handshakeTimeout().toMillis();
        timeout = ctx.executor().schedule(() -> {
            if (authenticating != null) {
                log.warn("{}the authenticator did not decide within the handshake timeout ({} ms), closing", logPrefix, millis);
            } else {
                log.debug("{}no WebSocket upgrade within {} ms (TLS and HTTP), closing", logPrefix, millis);
            }
            abandon();
            ctx.close();
        }, millis, TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimeout();
        abandon();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePending();
    }

    /** The connection is gone (closed or timed out): drop the pending request, stop the authenticator. */
    private void abandon() {
        abandoned = true;
        releasePending();
        Thread t = authenticating;
        authenticating = null;
        if (t != null) {
            t.interrupt();
        }
    }

    private void releasePending() {
        FullHttpRequest req = pending;
        pending = null;
        if (req != null) {
            req.release();
        }
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (pending != null || authenticating != null || abandoned) {
            // A second request while the first one is being authenticated: an upgrade is the only request.
            log.debug("{}another HTTP request during the upgrade, closing", logPrefix);
            abandon();
            ctx.close();
            return;
        }
        if (refusal != null) {
            FullHttpResponse res = response(HttpResponseStatus.SERVICE_UNAVAILABLE, refusal);
            res.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
            log.debug("{}upgrade refused: 503 {}", logPrefix, refusal);
            refused(HttpResponseStatus.SERVICE_UNAVAILABLE, refusal);
            send(ctx, res);
            return;
        }
        if (!req.decoderResult().isSuccess()) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request: " + malformed(req.decoderResult().cause()));
            return;
        }
        if (!req.headers().contains(HttpHeaderNames.HOST)) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "missing Host header");
            return;
        }
        String path;
        try {
            path = new QueryStringDecoder(req.uri()).path();
        } catch (IllegalArgumentException e) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "malformed request path");
            return;
        }
        service = server.service(path);
        Recorder recorder = ctx.pipeline().get(Recorder.class);
        if (recorder != null) {
            recorder.service(service == null ? null : service.endpoint().service()); // before the answer is written
        }
        if (service == null) {
            if (config.staticFiles() != null) {
                StaticFileHandler.serve(ctx, req, config.staticFiles(), logPrefix);
                return;
            }
            refuse(ctx, HttpResponseStatus.NOT_FOUND, "no HardLight service at " + printable(path));
            return;
        }
        Endpoint<?> endpoint = service.endpoint();
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
        String version = req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        if (!"13".equals(version == null ? null : version.trim())) {
            FullHttpResponse res = response(HttpResponseStatus.UPGRADE_REQUIRED, version == null
                    ? "missing Sec-WebSocket-Version: this server speaks WebSocket version 13 (RFC 6455)"
                    : "unsupported Sec-WebSocket-Version " + printable(version)
                    + ": this server speaks WebSocket version 13 (RFC 6455)");
            res.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
            log.debug("{}upgrade refused: 426 WebSocket version {}", logPrefix, version == null ? "missing" : printable(version));
            send(ctx, res);
            return;
        }
        String key = req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        if (key == null) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "missing Sec-WebSocket-Key");
            return;
        }
        if (!validKey(key.trim())) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "invalid Sec-WebSocket-Key: it must be 16 random bytes in base64");
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
        boolean tls = Pipelines.hasTls(ctx.pipeline());
        String refusedOrigin = endpoint.originPolicy().check(req.headers().get(HttpHeaderNames.ORIGIN),
                req.headers().get(HttpHeaderNames.HOST), tls);
        if (refusedOrigin != null) {
            refuse(ctx, HttpResponseStatus.FORBIDDEN, refusedOrigin);
            return;
        }
        NettyUpgradeRequest request = NettyUpgradeRequest.of(req, ctx.channel().remoteAddress(), ctx.pipeline().get(SslHandler.class));
        Authenticator authenticator = endpoint.authenticator();
        if (authenticator == null) {
            upgrade(ctx, req, new ServerSession.Admission(id, ctx.channel().remoteAddress(), request, Set.of(), null));
            return;
        }
        pending = req.retain();
        authenticating = Thread.ofVirtual().name("hl-auth-" + id).unstarted(() -> authenticate(ctx, authenticator, request));
        authenticating.start();
    }

    /** On the authenticator's virtual thread: decides, then hands the decision to the event loop. */
    private void authenticate(ChannelHandlerContext ctx, Authenticator authenticator, NettyUpgradeRequest request) {
        Authenticator.Result result;
        Throwable failure = null;
        try {
            result = authenticator.authenticate(request);
        } catch (Throwable t) {
            result = null;
            failure = t;
        }
        Authenticator.Result decision = result;
        Throwable error = failure;
        try {
            ctx.executor().execute(() -> decided(ctx, request, decision, error));
        } catch (RejectedExecutionException e) {
            // The server is shutting down; its event loop closes the connection.
        }
    }

    /** On the event loop: acts on the authenticator's decision, unless the connection is gone. */
    private void decided(ChannelHandlerContext ctx, NettyUpgradeRequest request, Authenticator.Result result, Throwable failure) {
        FullHttpRequest req = pending;
        if (abandoned || req == null || !ctx.channel().isActive()) {
            if (failure != null && !(failure instanceof InterruptedException)) {
                log.debug("{}the authenticator failed after the connection closed: {}", logPrefix, failure.toString());
            }
            return;
        }
        authenticating = null;
        pending = null;
        try {
            switch (result) {
                case Authenticator.Accept accept ->
                        upgrade(ctx, req, new ServerSession.Admission(id, ctx.channel().remoteAddress(), request,
                                accept.features(), accept.principal()));
                case Authenticator.Refuse refusal ->
                        refuse(ctx, HttpResponseStatus.valueOf(refusal.status()), refusal.reason());
                case null -> {
                    if (failure != null) {
                        log.warn("{}the authenticator threw, refusing the upgrade with 500", logPrefix, failure);
                    } else {
                        log.warn("{}the authenticator returned null, refusing the upgrade with 500", logPrefix);
                    }
                    refuse(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "the server could not authenticate this connection");
                }
            }
        } finally {
            req.release();
        }
    }

    /** A decoder's failure in our words (no exception class names). */
    private static String malformed(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return "request line longer than " + Pipelines.MAX_REQUEST_LINE + " bytes";
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return "headers larger than " + Pipelines.MAX_UPGRADE_REQUEST + " bytes";
        }
        String m = cause == null ? null : cause.getMessage();
        return m == null || m.isBlank() ? "cannot parse it" : printable(m);
    }

    /** At most 100 printable ASCII characters of a client's text, for a refusal body or a log line. */
    private static String printable(String text) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < text.length() && b.length() < 100; i++) {
            char c = text.charAt(i);
            b.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return b.toString();
    }

    /** RFC 6455 4.1: the key is 16 bytes, base64-encoded (24 characters). */
    private static boolean validKey(String key) {
        if (key.length() != 24) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
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

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, ServerSession.Admission admission) {
        upgrade(ctx, req, admission, service.endpoint());
    }

    private <S> void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, ServerSession.Admission admission, Endpoint<S> endpoint) {
        boolean tls = Pipelines.hasTls(ctx.pipeline());
        String url = (tls ? "wss://" : "ws://") + req.headers().get(HttpHeaderNames.HOST, "localhost") + endpoint.path();
        WebSocketServerHandshaker handshaker =
                new WebSocketServerHandshakerFactory(url, Frames.SUBPROTOCOL, service.decoderConfig()).newHandshaker(req);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel())
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        cancelTimeout();
        handshakeEnded.run();
        ChannelFuture handshake = handshaker.handshake(ctx.channel(), req);
        // The 101 is written; what we write from now on follows it. Open the session at once so that
        // no frame can arrive before its handler exists.
        String prefix = logPrefix;
        ChannelOutbound out = new ChannelOutbound(ctx.channel(), false, config.slowConsumer(), prefix);
        ServerSession<S> session;
        try {
            session = ServerSession.open(endpoint.service(), endpoint.factory(), service.topics(), admission, out,
                    server.executor(), server.nonBlockingExecutor(), endpoint.maxInFlight(), endpoint.maxMessageSize(), prefix);
        } catch (Throwable t) {
            log.warn("{}the handler factory failed, closing with 1011", prefix, t);
            ctx.pipeline().remove(this);
            out.close(ProtocolViolation.INTERNAL_ERROR, "the server could not open the connection");
            return;
        }
        RpcObserver observer = config.options().observer();
        if (observer != null) {
            out.observe(new ObserverTap(observer, endpoint.service(), true, endpoint.maxInFlight()));
        }
        out.batchWhen(session::peerBatches);
        session.sendErrorDetails(endpoint.sendErrorDetails());
        session.interceptors(config.options().interceptors());
        String idle = IDLE_TIMEOUT + "nothing received for " + KeepAliveHandler.describeIdleTimeout(config.keepAlive());
        ServerFrameHandler<S> frames = new ServerFrameHandler<>(server, service, session, out, prefix, endpoint.maxMessageSize());
        ReceiveGuard guard = new ReceiveGuard(server.partialMessageBytes(), config.partialMessageBudget(),
                config.messageReceiveTimeout().toNanos(), frames::violation);
        frames.guard(guard);
        Pipelines.open(ctx, endpoint.maxMessageSize(), frames,
                new KeepAliveHandler(config.keepAlive(), out, () -> {
                    log.debug("{}{}, closing with 1001", prefix, idle);
                    server.idleTimedOut();
                    out.close(ProtocolViolation.GOING_AWAY, idle);
                }), guard);
        log.debug("{}open", prefix);
        session.start(!endpoint.hideSchema());
        // Frames the client sent right behind its request are fed to the WebSocket decoder once the
        // 101 is out (and permessage-deflate, if negotiated, is in place).
        ChannelPipeline pipeline = ctx.pipeline();
        handshake.addListener(f -> {
            if (f.isSuccess()) {
                UpgradeGate.release(pipeline);
            }
        });
    }

    /** How the close reason of an idle timeout starts. */
    static final String IDLE_TIMEOUT = "idle timeout: ";

    /** Tells the observer, if any, of a refused upgrade. */
    private void refused(HttpResponseStatus status, String reason) {
        RpcObserver observer = config.options().observer();
        if (observer != null) {
            try {
                observer.upgradeRefused(status.code(), reason);
            } catch (RuntimeException e) {
                log.warn("{}observer failed on upgradeRefused", logPrefix, e);
            }
        }
    }

    private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String reason) {
        log.debug("{}upgrade refused: {} {}", logPrefix, status, reason);
        refused(status, reason);
        send(ctx, response(status, reason));
    }

    static FullHttpResponse response(HttpResponseStatus status, String reason) {
        ByteBuf body = ByteBufUtil.writeUtf8(UnpooledByteBufAllocator.DEFAULT, reason + "\n");
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return res;
    }

    private void send(ChannelHandlerContext ctx, FullHttpResponse res) {
        server.upgradeRefused();
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}error before the upgrade: {}", logPrefix, cause.toString());
        ctx.close();
    }
}
