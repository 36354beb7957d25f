package dev.hardlight.netty.internal;

import dev.hardlight.internal.protocol.ProtocolViolation;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Bounds what a server connection may hold in a partly received message. In front of the WebSocket
 * decoder (after TLS), it counts the bytes received since the last whole frame reached the frame
 * handler ({@link #frameDone}): those are held by the decoders until the message completes.
 * <ul>
 *   <li>A message must arrive within the receive timeout once its first bytes did (a client that
 *       trickles one byte at a time keeps the idle timer quiet, not this one): beyond it, close 1008.</li>
 *   <li>The bytes held in partial messages over all connections share a server-wide budget; a
 *       connection whose partial message is larger than {@link #SMALL} when the budget is spent is
 *       closed with 1013 "try again later". Smaller messages never count against it (they are
 *       bounded by the connection count), so a well-behaved client with small messages is never
 *       refused for it.</li>
 * </ul>
 * The count starts at the first read after the previous frame: bytes of the next message that came
 * in the same read as the end of the previous one are not counted (at most one read, 64 KiB).
 *
 * <p>Not thread-safe: runs on the channel's event loop; the budget is shared (atomic).
 */
final class ReceiveGuard extends ChannelInboundHandlerAdapter {
    /** Partial messages up to this size are exempt from the budget. */
    static final int SMALL = 64 * 1024;

    private final AtomicLong serverHeld;
    private final long budget;
    private final long timeoutNanos;
    private final Consumer<ProtocolViolation> violation;
    private long partial;
    private long counted;
    private long startedNanos;
    private boolean frameDone;
    private ScheduledFuture<?> timer;
    private boolean refused;

    ReceiveGuard(AtomicLong serverHeld, long budget, long timeoutNanos, Consumer<ProtocolViolation> violation) {
        this.serverHeld = serverHeld;
        this.budget = budget;
        this.timeoutNanos = timeoutNanos;
        this.violation = violation;
    }

    /** The frame handler got a whole frame: nothing is held any more. */
    void frameDone() {
        frameDone = true;
        reset();
    }

    private void reset() {
        if (counted != 0) {
            serverHeld.addAndGet(-counted);
            counted = 0;
        }
        partial = 0;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b && !refused) {
            int n = b.readableBytes();
            if (partial == 0) {
                startedNanos = System.nanoTime();
            }
            partial += n;
            frameDone = false;
            ctx.fireChannelRead(msg);
            if (frameDone) {
                return; // a frame completed in this read: what follows it is not counted (see above)
            }
            if (partial > SMALL) {
                long add = partial - counted;
                counted = partial;
                if (serverHeld.addAndGet(add) > budget) {
                    refused = true;
                    reset();
                    violation.accept(new ProtocolViolation(FrameHandler.TRY_AGAIN_LATER, "try again later: the server holds too many partly received messages"));
                }
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (partial > 0 && timer == null && !refused) {
            long left = timeoutNanos - (System.nanoTime() - startedNanos);
            timer = ctx.executor().schedule(() -> check(ctx), Math.max(left, 0), TimeUnit.NANOSECONDS);
        }
        ctx.fireChannelReadComplete();
    }

    private void check(ChannelHandlerContext ctx) {
        timer = null;
        if (partial == 0 || refused || !ctx.channel().isActive()) {
            return;
        }
        long left = timeoutNanos - (System.nanoTime() - startedNanos);
        if (left > 0) {
            timer = ctx.executor().schedule(() -> check(ctx), left, TimeUnit.NANOSECONDS);
            return;
        }
        refused = true;
        reset();
        violation.accept(new ProtocolViolation(ProtocolViolation.POLICY_VIOLATION, "message not received within "
                + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s of its start"));
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        end();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        end();
        super.channelInactive(ctx);
    }

    private void end() {
        reset();
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
