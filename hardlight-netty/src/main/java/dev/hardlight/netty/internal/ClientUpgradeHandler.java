package dev.hardlight.netty.internal;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;

/**
 * The HTTP side of a client connection: sends the upgrade request once TCP (and TLS) are up, turns a
 * refusal into an {@link RpcException} with the HTTP status and the server's reason text, and on a
 * 101 replaces itself with the frame handlers.
 *
 * <p>Thread rule: event loop only. It reports the stages and failures of the attempt to its
 * {@link ClientConnector}, and hands the open connection to its link.
 */
final class ClientUpgradeHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
    /** The longest part of a refusal body quoted in the exception. */
    private static final int MAX_REASON_CHARS = 500;

    private final ClientConnector connection;
    private final NettyRpcChannel link;
    private final WebSocketClientHandshaker handshaker;

    ClientUpgradeHandler(ClientConnector connection, NettyRpcChannel link, WebSocketClientHandshaker handshaker) {
        this.connection = connection;
        this.link = link;
        this.handshaker = handshaker;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        connection.stage(Pipelines.hasTls(ctx.pipeline()) ? "TLS handshake" : "WebSocket upgrade");
        // With TLS, the SslHandler holds the request until its handshake is done.
        handshaker.handshake(ctx.channel()).addListener(f -> {
            if (!f.isSuccess() && ctx.channel().isActive()) {
                connection.fail(new RpcException(Status.UNAVAILABLE,
                        "cannot send the WebSocket upgrade to " + connection.target() + ": " + f.cause()));
            }
        });
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent e) {
            if (e.isSuccess()) {
                connection.stage("WebSocket upgrade");
            } else {
                connection.fail(tlsFailure(e.cause()));
            }
        }
        super.userEventTriggered(ctx, evt);
    }

    private RpcException tlsFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof NotSslRecordException) {
                return new RpcException(Status.UNAVAILABLE, "TLS handshake with " + connection.target()
                        + " failed: the server does not answer in TLS (a plaintext ws:// server?)", cause);
            }
            if (t instanceof CertificateException) {
                return new RpcException(Status.UNAVAILABLE, "TLS handshake with " + connection.target()
                        + " failed: " + withTrustHint(t.getMessage()), cause);
            }
        }
        String message = cause.getMessage();
        for (Throwable t = cause.getCause(); t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                message = message + ": " + t.getMessage();
            }
        }
        return new RpcException(Status.UNAVAILABLE, "TLS handshake with " + connection.target() + " failed: "
                + withTrustHint(message), cause);
    }

    /** A PKIX failure (no trusted certification path) gets a hint: the usual cause is a self-signed server. */
    static String withTrustHint(String message) {
        if (message != null && (message.contains("certification path") || message.contains("PKIX"))) {
            return message + " (the server's certificate is not trusted here; a self-signed one? Pin the SHA-256 "
                    + "fingerprint the server logged at start (\"SHA-256 fingerprint AB:CD:...\") with "
                    + "ClientOptions.pinned(fingerprint), or trust its CA with ClientOptions.trust(...))";
        }
        return message;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
        if (!HttpResponseStatus.SWITCHING_PROTOCOLS.equals(res.status())) {
            connection.fail(refused(res));
            ctx.close();
            return;
        }
        try {
            handshaker.finishHandshake(ctx.channel(), res);
        } catch (WebSocketHandshakeException e) {
            connection.fail(new RpcException(Status.UNAVAILABLE,
                    "the WebSocket upgrade with " + connection.target() + " failed: " + e.getMessage(), e));
            ctx.close();
            return;
        }
        link.observe();
        Pipelines.open(ctx, NettyRpcChannel.MAX_MESSAGE_SIZE, new ClientFrameHandler(link), link.newKeepAlive(), null);
        connection.stage("HELLO");
    }

    private RpcException refused(FullHttpResponse res) {
        String body = res.content().toString(StandardCharsets.UTF_8).strip();
        if (body.length() > MAX_REASON_CHARS) {
            body = body.substring(0, MAX_REASON_CHARS) + "...";
        }
        int code = res.status().code();
        Status status = switch (code) {
            case 400, 426 -> Status.INCOMPATIBLE;
            case 401 -> Status.UNAUTHENTICATED;
            case 403 -> Status.PERMISSION_DENIED;
            case 404 -> Status.NOT_FOUND;
            case 429, 502, 503, 504 -> Status.UNAVAILABLE;
            default -> code >= 500 ? Status.UNAVAILABLE : Status.FAILED_PRECONDITION;
        };
        return new RpcException(status, "the server " + connection.target() + " refused the WebSocket upgrade: HTTP "
                + res.status().code() + " " + res.status().reasonPhrase() + (body.isEmpty() ? "" : ": " + body));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause.getCause() instanceof SSLException ssl) {
            connection.fail(tlsFailure(ssl));
        } else {
            connection.fail(new RpcException(Status.UNAVAILABLE,
                    "connection to " + connection.target() + " failed during the " + connection.stage() + ": " + cause, cause));
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        link.channelClosed(null, null);
        super.channelInactive(ctx);
    }
}
