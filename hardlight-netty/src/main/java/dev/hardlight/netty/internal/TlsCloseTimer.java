package dev.hardlight.netty.internal;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the close of a server's TLS connection, with a log line that names it. Closing TLS writes a
 * close_notify first; a peer that reads nothing (its receive window full) never takes it, and the
 * connection would stay open. Netty's {@code SslHandler} gives up after a timeout with a WARN line
 * of its own that names no HardLight connection; this handler, right behind it, gives up first (at
 * {@link #FLUSH_TIMEOUT_MILLIS}, Netty's default) with its own line: the connection's id and
 * address, at WARN while the server's bound on such lines allows (then DEBUG, counted), and closes
 * the TCP connection without waiting further. The {@code SslHandler}'s own timeout is set beyond
 * this one ({@link #configure}), so its line never comes.
 *
 * <p>Not thread-safe: runs on the channel's event loop.
 */
final class TlsCloseTimer extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(TlsCloseTimer.class);

    /** How long the close_notify and what is queued before it may take to be written. */
    static final long FLUSH_TIMEOUT_MILLIS = 3_000;

    private final String logPrefix;
    private final WarnLimiter warnings;
    private ScheduledFuture<?> timer;

    /**
     * @param logPrefix the connection's log prefix, "[hl-conn 12 10.0.0.7:51234] "
     * @param warnings the server's bound on such lines
     */
    TlsCloseTimer(String logPrefix, WarnLimiter warnings) {
        this.logPrefix = logPrefix;
        this.warnings = warnings;
    }

    /** Puts the SslHandler's own close timeout beyond this one's. */
    static void configure(SslHandler tls) {
        tls.setCloseNotifyFlushTimeoutMillis(FLUSH_TIMEOUT_MILLIS + 5_000);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
        if (timer == null && ctx.channel().isActive()) {
            timer = ctx.executor().schedule(() -> expire(ctx), FLUSH_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            ctx.channel().closeFuture().addListener(f -> timer.cancel(false));
        }
        super.close(ctx, promise);
    }

    private void expire(ChannelHandlerContext ctx) {
        if (!ctx.channel().isOpen()) {
            return;
        }
        String what = "the peer did not read the TLS close_notify within " + FLUSH_TIMEOUT_MILLIS / 1000
                + " s (its receive window is full); closing the TCP connection";
        long held = warnings.acquire();
        if (held < 0) {
            log.debug("{}{}", logPrefix, what);
        } else if (held > 0) {
            log.warn("{}{} (and {} more in the last {} s, logged at DEBUG)", logPrefix, what, held, warnings.windowSeconds());
        } else {
            log.warn("{}{}", logPrefix, what);
        }
        ChannelHandlerContext tls = ctx.pipeline().context(SslHandler.class);
        // From the SslHandler's context the close goes to the handlers in front of it: past it, to the socket.
        (tls != null ? tls : ctx).close();
    }
}
