package dev.hardlight.netty.internal;

import dev.hardlight.internal.protocol.Outbound;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A session's {@link Outbound} over one WebSocket channel: the write queue. Frames sent from any
 * thread (handler threads, callers) are queued and written by the channel's event loop, which drains
 * the queue in one task and flushes once per drain, so a burst of answers costs one hand-off and one
 * system call instead of one each (the idea of gRPC's {@code WriteQueue}).
 *
 * <p>Bound: the queue holds at most one answer per call in flight (the session's in-flight limit),
 * plus the hello, cancels and state deltas; it needs no limit of its own.
 *
 * <p>Thread-safe. Every frame handed to {@link #send} is released exactly once: written (Netty
 * releases it) or dropped when the channel is closed.
 */
public final class ChannelOutbound implements Outbound {
    /** Frames written per drain task before the loop gets a chance to run other channels' work. */
    private static final int MAX_PER_DRAIN = 1024;

    /** How long a client waits for the server's answer to its close frame before closing anyway. */
    static final long CLOSE_ANSWER_TIMEOUT_MILLIS = 1_000;

    private final Channel channel;
    private final boolean waitForCloseAnswer;
    private final Queue<ByteBuf> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    private volatile boolean closed;
    /** Set on the event loop once the close frame is written: later frames are dropped. */
    private boolean closeFrameSent;

    /**
     * @param waitForCloseAnswer after sending a close frame, wait (up to a second) for the peer's
     *     close before closing the TCP connection: what a WebSocket client does (RFC 6455 7.1.1);
     *     a server closes at once
     */
    public ChannelOutbound(Channel channel, boolean waitForCloseAnswer) {
        this.channel = channel;
        this.waitForCloseAnswer = waitForCloseAnswer;
    }

    @Override
    public ByteBufAllocator alloc() {
        return channel.alloc();
    }

    @Override
    public void send(ByteBuf frame) {
        if (closed) {
            frame.release();
            return;
        }
        queue.offer(frame);
        if (closed) {
            discard(); // raced with markClosed(): make sure nothing stays queued
            return;
        }
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                channel.eventLoop().execute(drainTask);
            } catch (RejectedExecutionException e) {
                // The event loop is shut down: the channel is gone.
                scheduled.set(false);
                markClosed();
            }
        }
    }

    /** Writes what is queued and flushes once. Event loop only. */
    private void drain() {
        int written = 0;
        ByteBuf frame;
        while (written < MAX_PER_DRAIN && (frame = queue.poll()) != null) {
            if (closed || closeFrameSent) {
                frame.release();
            } else {
                channel.write(new BinaryWebSocketFrame(frame), channel.voidPromise());
                written++;
            }
        }
        if (written > 0) {
            channel.flush();
        }
        scheduled.set(false);
        if (!queue.isEmpty()) {
            schedule();
        }
    }

    @Override
    public boolean isOpen() {
        return !closed && !closing.get() && channel.isActive();
    }

    /** Whether {@link #close} was called (by a session, a violation or the peer's close). */
    public boolean isClosing() {
        return closing.get();
    }

    /**
     * Writes what is queued, then a close frame, then closes the channel (a client first waits for
     * the server's answer, up to a second). Idempotent; returns at once.
     */
    @Override
    public void close(int code, String reason) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        Runnable task = () -> sendClose(new CloseWebSocketFrame(code, reason), waitForCloseAnswer);
        if (channel.eventLoop().inEventLoop()) {
            task.run();
        } else {
            try {
                channel.eventLoop().execute(task);
            } catch (RejectedExecutionException e) {
                channel.close();
            }
        }
    }

    /**
     * Answers the peer's close frame with the same code, then closes. Event loop only.
     *
     * @return false if this side had sent its close already (the peer's is the answer)
     */
    boolean answerClose(int code) {
        if (!closing.compareAndSet(false, true)) {
            return false;
        }
        sendClose(code < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, null), false);
        return true;
    }

    /** Event loop only: what is queued goes out first; nothing may follow the close frame. */
    private void sendClose(CloseWebSocketFrame frame, boolean waitForAnswer) {
        drain();
        closeFrameSent = true;
        if (!channel.isActive()) {
            frame.release();
            channel.close();
        } else if (waitForAnswer) {
            channel.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            ScheduledFuture<?> force = channel.eventLoop().schedule(() -> {
                channel.close();
            }, CLOSE_ANSWER_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            channel.closeFuture().addListener(f -> force.cancel(false));
        } else {
            channel.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The channel is closed: drop everything queued now or later. */
    public void markClosed() {
        closed = true;
        discard();
    }

    private void discard() {
        ByteBuf frame;
        while ((frame = queue.poll()) != null) {
            frame.release();
        }
    }
}
