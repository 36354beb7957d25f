package dev.hardlight.netty.internal;

import dev.hardlight.netty.KeepAlive;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keepalive and idle timeout of an open WebSocket connection, on either side. It sits first in the
 * pipeline (before TLS), so every byte read counts as a sign of life: data, pongs, pings, a fragment
 * of a large message. When nothing was read for the ping interval it sends a WebSocket ping (the
 * peer's WebSocket layer answers with a pong, which counts as a read), again every interval while
 * the silence lasts; when nothing at all was read for the idle timeout it gives up and runs
 * {@code onIdle}, which closes the connection. One timer per connection, rescheduled from its own
 * task: reads cost a field write, not a timer operation.
 *
 * <p>Not thread-safe: event loop only.
 */
final class KeepAliveHandler extends ChannelInboundHandlerAdapter {
    private final long pingIntervalNanos;
    private final long idleTimeoutNanos;
    private final ChannelOutbound out;
    private final Runnable onIdle;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    /** When the last read ended (or the handler started). */
    private long lastRead;
    /** When the last ping was sent (or the handler started). */
    private long lastPing;
    /** A read is in progress (between channelRead and channelReadComplete). */
    private boolean reading;
    private boolean stopped;
    /** Pings sent, for tests: written by the event loop only, read by any thread. */
    private volatile long pingsSent;

    /**
     * @param out the connection's write queue: no ping once it is closing
     * @param onIdle runs once, on the event loop, when nothing was read for the idle timeout
     */
    /** "90 s", "600 ms": the idle timeout of {@code setting} for close reasons and messages. */
    static String describeIdleTimeout(KeepAlive setting) {
        long millis = setting.idleTimeout().toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    KeepAliveHandler(KeepAlive setting, ChannelOutbound out, Runnable onIdle) {
        this.pingIntervalNanos = setting.pingInterval().toNanos();
        this.idleTimeoutNanos = setting.idleTimeout().toNanos();
        this.out = out;
        this.onIdle = onIdle;
    }

    long pingsSent() {
        return pingsSent;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start();
        super.channelActive(ctx);
    }

    private void start() {
        if (timer != null || stopped) {
            return;
        }
        lastRead = System.nanoTime();
        lastPing = lastRead;
        schedule(pingIntervalNanos);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        reading = true;
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (reading) {
            reading = false;
            lastRead = System.nanoTime();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    private void stop() {
        stopped = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void schedule(long delayNanos) {
        timer = ctx.executor().schedule(this::check, Math.max(delayNanos, 1), TimeUnit.NANOSECONDS);
    }

    private void check() {
        timer = null;
        if (stopped || !ctx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        if (reading) {
            lastRead = now; // a read is under way right now
        }
        if (now - lastRead >= idleTimeoutNanos) {
            stopped = true;
            onIdle.run();
            return;
        }
        long pingDue = Math.max(lastRead, lastPing) + pingIntervalNanos;
        if (now - pingDue >= 0) {
            if (!out.isClosing()) {
                pingsSent = pingsSent + 1;
                // From the tail, through the WebSocket encoder; a control frame may go between messages.
                ctx.channel().writeAndFlush(new PingWebSocketFrame());
            }
            lastPing = now;
            pingDue = now + pingIntervalNanos;
        }
        long idleDue = lastRead + idleTimeoutNanos;
        schedule(Math.min(pingDue, idleDue) - now);
    }
}
