package dev.hardlight.netty.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the work one server connection takes per turn of its event loop. Right behind the
 * WebSocket decoder, it counts the frames decoded (data, continuation and control frames alike)
 * and the time they took; at {@link #MAX_FRAMES_PER_TURN} frames or {@link #MAX_TURN_NANOS} (1 ms)
 * since the turn's first frame, whichever comes first, it stops the decoder after the current frame (the rest of the
 * read stays in the decoder's buffer), pauses reading, and lets the event loop serve its other
 * connections; in a later turn it has the decoder go on with what it holds, another turn's share,
 * and so on; once the decoder has nothing left it resumes reading. A peer that packs thousands of
 * tiny frames into each read (cheap for it, a call each for the server) thus cannot hold the I/O
 * thread for its whole read batch, and nothing it sent is lost or reordered.
 *
 * <p>Memory: while paused, the bytes waiting are those of the one read in progress (at most a read
 * buffer, 64 KiB), as no further read happens.
 *
 * <p>Not thread-safe: runs on the channel's event loop.
 */
final class TurnLimit extends ChannelInboundHandlerAdapter {
    /** Frames decoded per connection per turn of the event loop, at most. */
    static final int MAX_FRAMES_PER_TURN = 256;
    /** Time a connection's frames may take per turn of the event loop, from its first frame, at most. */
    static final long MAX_TURN_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final int max;
    private final long maxNanos;
    /** When this turn's first frame was decoded. */
    private long turnStart;
    /** The handler in front of the WebSocket decoder: feeds it nothing, so that it decodes what it holds. */
    private final String feeder;
    private int frames;
    private boolean paused;

    /**
     * @param feeder the name of the handler right in front of the WebSocket decoder
     */
    TurnLimit(int max, long maxNanos, String feeder) {
        this.max = max;
        this.maxNanos = maxNanos;
        this.feeder = feeder;
    }

    /** Whether reading is paused by this limit (the channel's autoRead must stay off meanwhile). */
    static boolean paused(ChannelPipeline p) {
        TurnLimit limit = p.get(TurnLimit.class);
        return limit != null && limit.paused;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof WebSocketFrame && !paused) {
            long now = System.nanoTime();
            if (frames++ == 0) {
                turnStart = now;
            }
            if (frames >= max || now - turnStart >= maxNanos) {
                pause(ctx);
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!paused) {
            frames = 0;
        }
        ctx.fireChannelReadComplete();
    }

    private void pause(ChannelHandlerContext ctx) {
        ByteToMessageDecoder decoder = decoder(ctx.pipeline());
        if (decoder == null) {
            return;
        }
        paused = true;
        // The decoder looks at this after each frame it passes on: it stops after this one.
        decoder.setSingleDecode(true);
        ctx.channel().config().setAutoRead(false);
        // A scheduled task runs after the event loop's next round of I/O (a task queued with
        // execute() could run before it): the other connections have their turn first.
        ctx.executor().schedule(() -> resume(ctx), 0, TimeUnit.NANOSECONDS);
    }

    private void resume(ChannelHandlerContext ctx) {
        paused = false;
        frames = 0;
        ByteToMessageDecoder decoder = decoder(ctx.pipeline());
        ChannelHandlerContext feed = ctx.pipeline().context(feeder);
        if (decoder == null || feed == null || !ctx.channel().isActive()) {
            return;
        }
        decoder.setSingleDecode(false);
        // An empty read: the decoder goes on with the bytes it holds, up to another turn's share.
        feed.fireChannelRead(Unpooled.EMPTY_BUFFER);
        feed.fireChannelReadComplete();
        if (!paused && ctx.channel().isActive() && ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private static ByteToMessageDecoder decoder(ChannelPipeline p) {
        return p.get(WebSocketFrameDecoder.class) instanceof ByteToMessageDecoder d ? d : null;
    }
}
