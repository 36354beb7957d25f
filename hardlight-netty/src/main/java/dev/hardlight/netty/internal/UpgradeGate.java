package dev.hardlight.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import java.util.ArrayDeque;

/**
 * Sits in front of the server's HTTP decoder during the upgrade. Once the upgrade request is
 * complete it stops reading (auto-read off: the request is all a client may send before the 101) and
 * holds whatever bytes already arrived after the request: the leftover of the HTTP decoder's read
 * and anything later in the same read. When the connection opens, {@link #release} hands them to the
 * WebSocket decoder in the order they arrived, before any new read, and removes the gate; when the
 * upgrade is refused they are released with the connection. The bytes held are at most those of the
 * read batch in progress when the request completed (no further read happens while holding).
 *
 * <p>Not thread-safe: runs on the channel's event loop.
 */
final class UpgradeGate extends ChannelInboundHandlerAdapter {
    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
    private boolean holding;

    /** The HTTP decoder has decoded the whole request: hold from now on. */
    void requestComplete(ChannelHandlerContext ctx) {
        holding = true;
        ctx.channel().config().setAutoRead(false);
    }

    /** Bytes that followed the request (taken over). */
    void hold(ChannelHandlerContext ctx, ByteBuf bytes) {
        held.add(bytes);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (holding && msg instanceof ByteBuf b) {
            held.add(b);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** While holding, the end of a read is kept from the decoders behind, which would ask for another read. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!holding) {
            ctx.fireChannelReadComplete();
        }
    }

    /**
     * The connection is open (the WebSocket decoder is in place of the HTTP decoder, right after this
     * gate): feeds it the held bytes, removes the gate and resumes reading.
     */
    static void release(ChannelPipeline pipeline) {
        UpgradeGate gate = pipeline.get(UpgradeGate.class);
        if (gate == null) {
            return;
        }
        ChannelHandlerContext ctx = pipeline.context(gate);
        gate.holding = false;
        boolean any = !gate.held.isEmpty();
        for (ByteBuf b = gate.held.poll(); b != null; b = gate.held.poll()) {
            if (ctx.channel().isActive()) {
                ctx.fireChannelRead(b);
            } else {
                b.release();
            }
        }
        if (any) {
            ctx.fireChannelReadComplete();
        }
        ctx.pipeline().remove(gate);
        if (ctx.channel().isActive() && ctx.channel().isWritable() && !TurnLimit.paused(pipeline)) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        for (ByteBuf b = held.poll(); b != null; b = held.poll()) {
            b.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        handlerRemoved(ctx);
        super.channelInactive(ctx);
    }
}
