package dev.hardlight.netty.internal;

import dev.hardlight.internal.protocol.Frames;
import dev.hardlight.internal.protocol.ProtocolViolation;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket side of an open HardLight connection, shared by server and client: whole binary
 * messages go to the session, a text message is refused (1003), a ping is answered, a close is echoed.
 * Malformed input follows one path ({@link #violation}): log once at WARN, send a close frame with
 * the code and reason, close.
 *
 * <p>Not thread-safe: runs on the channel's event loop.
 */
abstract class FrameHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(FrameHandler.class);

    protected final ChannelOutbound out;
    protected final String logPrefix;
    private final int maxMessageSize;
    private boolean violated;
    private boolean closedNotified;
    /** The close code and reason the peer sent, or null. */
    protected String peerClose;
    /** The close code and reason this side sent because the peer broke the protocol, or null. */
    protected String violationClose;

    FrameHandler(ChannelOutbound out, String logPrefix, int maxMessageSize) {
        this.out = out;
        this.logPrefix = logPrefix;
        this.maxMessageSize = maxMessageSize;
    }

    /** One whole binary message; does not take ownership. */
    protected abstract void onBinary(ByteBuf message);

    /** The channel closed (event loop); called once. */
    protected abstract void onClosed(ChannelHandlerContext ctx);

    /** Whether a ProtocolViolation with this close code is worth a WARN (the client's "wrong service" is not). */
    protected boolean warns(ProtocolViolation v) {
        return v.closeCode() != ProtocolViolation.NORMAL;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        out.readStarted();
        if (!(msg instanceof WebSocketFrame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (violated && !(msg instanceof CloseWebSocketFrame)) {
                return; // closing: the rest of the input is discarded, but for the peer's close
            }
            if (msg instanceof WebSocketFrame f && f.rsv() != 0 && !(msg instanceof CloseWebSocketFrame)) {
                // The decoder allows RSV bits when compression is enabled; a negotiated extension has
                // cleared them by now, so these belong to an extension this connection did not agree on.
                violation(new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR,
                        "RSV bits set in a frame without a negotiated extension"));
            } else if (msg instanceof BinaryWebSocketFrame frame && frame.content().readableBytes() > maxMessageSize) {
                // Only an inflated (permessage-deflate) message can get here: the decoder and the
                // aggregator bound the others.
                violation(new ProtocolViolation(ProtocolViolation.MESSAGE_TOO_BIG,
                        "message inflates to more than " + maxMessageSize + " bytes"));
            } else if (msg instanceof BinaryWebSocketFrame frame) {
                ObserverTap tap = out.tap();
                if (tap != null) {
                    tap.inbound(frame.content());
                }
                try {
                    onBinary(frame.content());
                } catch (ProtocolViolation v) {
                    violation(v);
                }
            } else if (msg instanceof TextWebSocketFrame) {
                violation(new ProtocolViolation(ProtocolViolation.UNSUPPORTED_DATA,
                        "text frames are not part of " + Frames.SUBPROTOCOL));
            } else if (msg instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (msg instanceof CloseWebSocketFrame close) {
                onPeerClose(ctx, close);
            }
            // Pong: nothing to do. A continuation frame cannot get here past the aggregator.
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onPeerClose(ChannelHandlerContext ctx, CloseWebSocketFrame close) {
        int code = close.statusCode();
        String reason = close.reasonText();
        peerClose = code < 0 ? "no close code" : code + (reason == null || reason.isEmpty() ? "" : " " + reason);
        log.debug("{}peer closed: {}", logPrefix, peerClose);
        // Echo the close (RFC 6455 5.5.1), then close the TCP connection.
        if (!out.answerClose(code)) {
            ctx.close(); // we had sent our close: this is the answer
        }
    }

    /** The one path for malformed input: log once, send a close frame, close. */
    protected void violation(ProtocolViolation v) {
        if (violated) {
            return;
        }
        violated = true;
        violationClose = v.closeCode() + " " + v.getMessage();
        if (warns(v)) {
            log.warn("{}protocol violation, closing with {}: {}", logPrefix, v.closeCode(), v.getMessage());
        } else {
            log.debug("{}closing with {}: {}", logPrefix, v.closeCode(), v.getMessage());
        }
        out.close(v.closeCode(), v.getMessage());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecompressionException) {
            // permessage-deflate: the inflater refuses output beyond the message size limit (a
            // compression bomb), or the data is not valid deflate.
            boolean tooBig = String.valueOf(cause.getMessage()).contains("maximum size");
            violation(tooBig ? new ProtocolViolation(ProtocolViolation.MESSAGE_TOO_BIG,
                    "message inflates to more than " + maxMessageSize + " bytes")
                    : new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR, "invalid compressed data"));
        } else if (cause instanceof TooLongFrameException) {
            violation(new ProtocolViolation(ProtocolViolation.MESSAGE_TOO_BIG,
                    "message larger than " + maxMessageSize + " bytes"));
        } else if (cause instanceof CorruptedWebSocketFrameException corrupted) {
            // The decoder (closeOnProtocolViolation) has sent the close frame with its code (1002,
            // 1007, 1009) and closes the channel once it is written.
            if (!violated) {
                violated = true;
                int code = corrupted.closeStatus() == null ? ProtocolViolation.PROTOCOL_ERROR : corrupted.closeStatus().code();
                violationClose = code + " " + cause.getMessage();
                log.warn("{}protocol violation, closing with {}: {}", logPrefix, code, cause.getMessage());
            }
        } else if (cause instanceof IOException || cause instanceof SSLException || cause.getCause() instanceof SSLException
                || cause instanceof PrematureChannelClosureException) {
            // The last: the connection closed in the middle of a fragmented message (after a
            // violation, or the peer went away); nothing more to say on it.
            log.debug("{}connection error: {}", logPrefix, cause.toString());
            ctx.close();
        } else if (cause instanceof DecoderException) {
            // A frame a decoder after the WebSocket layer could not read: compressed data that does
            // not inflate (permessage-deflate).
            violation(new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR, "undecodable frame: "
                    + (cause.getCause() != null ? cause.getCause().getMessage() : cause.getMessage())));
        } else if (violated) {
            log.debug("{}error after a protocol violation: {}", logPrefix, cause.toString()); // logged once already
            ctx.close();
        } else {
            log.warn("{}unexpected error, closing with 1011", logPrefix, cause);
            out.close(ProtocolViolation.INTERNAL_ERROR, "internal error");
        }
    }

    /** Answers written while handling the batch go out now, in one flush (see {@link ChannelOutbound#send}). */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        out.readComplete();
        super.channelReadComplete(ctx);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            notifyClosed(ctx); // closed before this handler was added: channelInactive will not come
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        notifyClosed(ctx);
        super.channelInactive(ctx);
    }

    private void notifyClosed(ChannelHandlerContext ctx) {
        if (!closedNotified) {
            closedNotified = true;
            out.markClosed();
            onClosed(ctx);
            ObserverTap tap = out.tap();
            if (tap != null) {
                tap.closed();
            }
        }
    }
}
