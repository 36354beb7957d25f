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

    /** Control frames (ping, pong) a peer may send per second; one more closes with 1008. */
    static final int MAX_CONTROL_FRAMES_PER_SECOND = 1000;
    /** RFC 6455 close code 1013: try again later. */
    static final int TRY_AGAIN_LATER = 1013;
    private static final long SECOND_NANOS = 1_000_000_000L;

    protected final ChannelOutbound out;
    /** The payload of the latest ping not answered yet (answered at the end of the read batch), or null. */
    private ByteBuf unansweredPing;
    private long controlWindowStart = System.nanoTime();
    private int controlFrames;
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

    /**
     * Whether the WebSocket decoder sends the close frame itself on a malformed frame (its
     * closeOnProtocolViolation); otherwise this handler does, as for any violation.
     */
    protected boolean decoderSendsClose() {
        return true;
    }

    /** The bound on this side's violation WARN lines (the server's, shared), or null: every one is logged. */
    protected WarnLimiter warnLimiter() {
        return null;
    }

    /** Logs a protocol violation at WARN, unless too many were logged lately (then DEBUG, counted). */
    private void warnViolation(int code, String reason) {
        WarnLimiter limiter = warnLimiter();
        long held = limiter == null ? 0 : limiter.acquire();
        if (held < 0) {
            log.debug("{}protocol violation, closing with {}: {}", logPrefix, code, reason);
            return;
        }
        if (held > 0) {
            log.warn("{}protocol violation, closing with {}: {} (and {} more in the last {} s, logged at DEBUG)",
                    logPrefix, code, reason, held, limiter.windowSeconds());
        } else {
            log.warn("{}protocol violation, closing with {}: {}", logPrefix, code, reason);
        }
    }

    /** A pong arrived; does not take ownership. Nothing by default. */
    protected void onPong(ByteBuf payload) {
        // nothing by default
    }

    /** Whether a ProtocolViolation with this close code is worth a WARN (the client's "wrong service" is not). */
    protected boolean warns(ProtocolViolation v) {
        return v.closeCode() != ProtocolViolation.NORMAL;
    }

    /** The server's bound on partly received messages, told of every whole frame; or null. */
    private ReceiveGuard guard;

    void guard(ReceiveGuard guard) {
        this.guard = guard;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        out.readStarted();
        if (!(msg instanceof WebSocketFrame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (guard != null) {
            guard.frameDone();
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
                // Only the latest ping of a read batch is answered (RFC 6455 5.5.3 allows it): a ping
                // flood costs one pong per batch, not one per ping.
                if (controlFrameAllowed()) {
                    if (unansweredPing != null) {
                        unansweredPing.release();
                    }
                    unansweredPing = ping.content().retain();
                }
            } else if (msg instanceof PongWebSocketFrame pong) {
                if (controlFrameAllowed()) {
                    onPong(pong.content());
                }
            } else if (msg instanceof CloseWebSocketFrame close) {
                onPeerClose(ctx, close);
            }
            // A continuation frame cannot get here past the aggregator.
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Counts a control frame; over {@link #MAX_CONTROL_FRAMES_PER_SECOND}: a 1008 close, and false. */
    private boolean controlFrameAllowed() {
        long now = System.nanoTime();
        if (now - controlWindowStart >= SECOND_NANOS) {
            controlWindowStart = now;
            controlFrames = 0;
        }
        if (++controlFrames > MAX_CONTROL_FRAMES_PER_SECOND) {
            violation(new ProtocolViolation(ProtocolViolation.POLICY_VIOLATION,
                    "more than " + MAX_CONTROL_FRAMES_PER_SECOND + " control frames a second"));
            return false;
        }
        return true;
    }

    private void answerPing(ChannelHandlerContext ctx) {
        ByteBuf ping = unansweredPing;
        unansweredPing = null;
        if (ping != null) {
            if (violated) {
                ping.release();
            } else {
                ctx.writeAndFlush(new PongWebSocketFrame(ping));
            }
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
    void violation(ProtocolViolation v) {
        if (violated) {
            return;
        }
        violated = true;
        violationClose = v.closeCode() + " " + v.getMessage();
        if (warns(v)) {
            warnViolation(v.closeCode(), v.getMessage());
        } else {
            log.debug("{}closing with {}: {}", logPrefix, v.closeCode(), v.getMessage());
        }
        out.close(v.closeCode(), v.getMessage());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof OutOfMemoryError || cause.getCause() instanceof OutOfMemoryError) {
            // Netty's OutOfDirectMemoryError while buffering this connection's input: the server is
            // short of memory, not broken; this connection goes, with a code that says "retry".
            violation(new ProtocolViolation(TRY_AGAIN_LATER, "try again later: the server is short of memory"));
        } else if (cause instanceof DecompressionException) {
            // permessage-deflate: the inflater refuses output beyond the message size limit (a
            // compression bomb), or the data is not valid deflate.
            boolean tooBig = String.valueOf(cause.getMessage()).contains("maximum size");
            violation(tooBig ? new ProtocolViolation(ProtocolViolation.MESSAGE_TOO_BIG,
                    "message inflates to more than " + maxMessageSize + " bytes")
                    : new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR, "invalid compressed data"));
        } else if (cause instanceof TooLongFrameException) {
            violation(new ProtocolViolation(ProtocolViolation.MESSAGE_TOO_BIG,
                    "message larger than " + maxMessageSize + " bytes"));
        } else if (cause instanceof CorruptedWebSocketFrameException corrupted && !decoderSendsClose()) {
            // The decoder only reports; the close frame goes out here, with the decoder's code (1002,
            // 1007, 1009). (Netty's own close after a malformed close frame is an empty write: no
            // close frame at all.)
            int code = corrupted.closeStatus() == null ? ProtocolViolation.PROTOCOL_ERROR : corrupted.closeStatus().code();
            violation(new ProtocolViolation(code, String.valueOf(cause.getMessage()).replace("getStatus code", "code")));
        } else if (cause instanceof CorruptedWebSocketFrameException corrupted) {
            // The decoder (closeOnProtocolViolation) has sent the close frame with its code (1002,
            // 1007, 1009) and closes the channel once it is written.
            if (!violated) {
                violated = true;
                int code = corrupted.closeStatus() == null ? ProtocolViolation.PROTOCOL_ERROR : corrupted.closeStatus().code();
                violationClose = code + " " + cause.getMessage();
                warnViolation(code, cause.getMessage());
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
        answerPing(ctx);
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

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (unansweredPing != null) {
            unansweredPing.release();
            unansweredPing = null;
        }
    }

    private void notifyClosed(ChannelHandlerContext ctx) {
        if (unansweredPing != null) {
            unansweredPing.release();
            unansweredPing = null;
        }
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
