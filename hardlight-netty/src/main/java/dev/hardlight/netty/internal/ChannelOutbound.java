package dev.hardlight.netty.internal;

import dev.hardlight.internal.protocol.Frames;
import dev.hardlight.internal.protocol.Outbound;
import dev.hardlight.internal.protocol.ProtocolViolation;
import dev.hardlight.netty.SlowConsumerPolicy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's {@link Outbound} over one WebSocket channel: the write queue. Frames sent from any
 * thread (handler threads, callers) are queued and written by the channel's event loop, which drains
 * the queue in one task and flushes once per drain, so a burst of answers costs one hand-off and one
 * system call instead of one each (the idea of gRPC's {@code WriteQueue}). A frame sent on the event
 * loop itself while it handles a read (a handler run inline, a client's next call started from a
 * completion) skips the queue: it is written at once and flushed with the others when the read batch
 * ends ({@link #readComplete}), as a hand-written Netty handler would, saving a task and two atomic
 * updates per frame.
 *
 * <p>Bound: the queue holds at most one answer per call in flight (the session's in-flight limit),
 * plus the hello, cancels and state deltas; those are never refused. Events are the one unbounded
 * source (the server emits them, not the client's calls), so {@link #offerEvent} refuses an event
 * while the connection's unwritten bytes, this queue's plus the channel's outbound buffer's
 * ({@link #queuedBytes()}), would go over the server's high-water mark, and applies the
 * {@link SlowConsumerPolicy}: drop the event (the session counts it and tells the client later) or
 * close the connection with 1008. An event larger than the mark still goes to a connection with
 * nothing queued.
 *
 * <p>Thread-safe. Every frame handed to {@link #send} is released exactly once: written (Netty
 * releases it) or dropped when the channel is closed.
 */
public final class ChannelOutbound implements Outbound {
    private static final Logger log = LoggerFactory.getLogger(ChannelOutbound.class);

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
    /** Event loop only: the channel is handling a read batch ({@link #readStarted} to {@link #readComplete}). */
    private boolean reading;
    /** Event loop only: frames were written during the read batch and wait for its end to be flushed. */
    private boolean flushPending;
    /** Bytes of the frames in {@link #queue} (not yet handed to the channel). */
    private final AtomicLong queueBytes = new AtomicLong();
    /**
     * Whether the peer takes BATCH (docs/protocol.md 3.8): then the frames written in one go (one read
     * batch, one drain) leave as BATCH messages. Read on the event loop only.
     */
    private BooleanSupplier peerBatches = () -> false;
    /** Event loop only: frames held for the next {@link #writeHeld}, when the peer batches. */
    private final ArrayList<ByteBuf> held = new ArrayList<>();
    /**
     * The largest BATCH message written: well under any client's own message limit (16 MiB for the
     * HardLight clients, not announced), and small enough that one batch does not delay the next.
     */
    static final int MAX_BATCH_BYTES = 64 * 1024;
    /** The server's slow-consumer settings; {@code null} for a client (events are never offered to it). */
    private final SlowConsumer slowConsumer;
    private final String logPrefix;
    /** Events refused by the slow-consumer policy on this connection. */
    private final AtomicLong dropped = new AtomicLong();
    /** The observer's view of this connection, or {@code null} (set before the connection is used). */
    private ObserverTap tap;

    /**
     * A write queue without an event limit (a client's).
     *
     * @param waitForCloseAnswer after sending a close frame, wait (up to a second) for the peer's
     *     close before closing the TCP connection: what a WebSocket client does (RFC 6455 7.1.1);
     *     a server closes once its close frame is written (or after a second, for a peer that does
     *     not read)
     */
    public ChannelOutbound(Channel channel, boolean waitForCloseAnswer) {
        this(channel, waitForCloseAnswer, null, "");
    }

    /**
     * @param slowConsumer the event limit and policy, or {@code null} for none
     * @param logPrefix names the connection in log lines
     */
    public ChannelOutbound(Channel channel, boolean waitForCloseAnswer, SlowConsumer slowConsumer, String logPrefix) {
        this.channel = channel;
        this.waitForCloseAnswer = waitForCloseAnswer;
        this.slowConsumer = slowConsumer;
        this.logPrefix = logPrefix;
    }

    /** Reports what this connection sends (and, through {@link FrameHandler}, receives) to {@code tap}. Before first use. */
    public void observe(ObserverTap tap) {
        this.tap = tap;
    }

    /** From now on, pack the frames written together into BATCH messages whenever {@code when} holds. Before first use. */
    public void batchWhen(BooleanSupplier when) {
        this.peerBatches = when;
    }

    /** The observer's view of this connection, or {@code null}. */
    ObserverTap tap() {
        return tap;
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
        if (tap != null) {
            tap.outbound(frame);
        }
        // On the loop with nothing queued, nothing can be ahead of this frame: write it now. (Frames
        // queued by other threads keep their order: while any is queued, this one queues behind.)
        if (channel.eventLoop().inEventLoop() && reading && !closeFrameSent && queue.isEmpty()) {
            if (peerBatches.getAsBoolean()) {
                held.add(frame); // written with the others of this read batch, as BATCH messages
            } else {
                channel.write(new BinaryWebSocketFrame(frame), channel.voidPromise());
            }
            flushPending = true;
            return;
        }
        enqueue(frame);
    }

    /** The channel starts handling read input. Event loop only. */
    void readStarted() {
        reading = true;
    }

    /** The read batch is over: flushes what was written during it, in one go. Event loop only. */
    void readComplete() {
        reading = false;
        writeHeld();
        if (flushPending) {
            flushPending = false;
            channel.flush();
        }
    }

    /**
     * Queues an event frame unless the connection is over its high-water mark; then applies the
     * slow-consumer policy and returns {@code false}. Takes ownership of {@code frame}. Any thread.
     */
    @Override
    public boolean offerEvent(ByteBuf frame) {
        if (closed || closing.get()) {
            frame.release();
            return false; // not a slow consumer: the connection is going away
        }
        SlowConsumer limit = slowConsumer;
        if (limit != null) {
            long queued = queuedBytes();
            if (queued > 0 && queued + frame.readableBytes() > limit.highWaterMark()) {
                frame.release();
                refused(limit, queued);
                if (tap != null) {
                    tap.eventDropped(limit.policy());
                }
                return false;
            }
        }
        if (tap != null) {
            tap.outbound(frame);
        }
        enqueue(frame);
        return true;
    }

    private void refused(SlowConsumer limit, long queued) {
        limit.dropped().increment();
        long n = dropped.incrementAndGet();
        if (limit.policy() == SlowConsumerPolicy.DISCONNECT) {
            if (n == 1) {
                log.warn("{}slow consumer: {} bytes queued unread (high-water mark {}), closing with 1008",
                        logPrefix, queued, limit.highWaterMark());
            }
            close(ProtocolViolation.POLICY_VIOLATION, "slow consumer: more than " + limit.highWaterMark()
                    + " bytes of events queued unread");
        } else if (n == 1) {
            log.warn("{}slow consumer: {} bytes queued unread (high-water mark {}), dropping events for this "
                    + "connection while it stays behind (the client is told how many it missed); logged once",
                    logPrefix, queued, limit.highWaterMark());
        }
    }

    /**
     * Bytes sent on this connection and not yet written to the socket: frames queued here plus the
     * channel's outbound buffer (TLS records included). Any thread; a moment's snapshot.
     */
    public long queuedBytes() {
        long n = queueBytes.get();
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        if (buffer != null) {
            n += buffer.totalPendingWriteBytes();
        }
        return n;
    }

    /** Events refused on this connection by the slow-consumer policy. */
    public long droppedEvents() {
        return dropped.get();
    }

    private void enqueue(ByteBuf frame) {
        queueBytes.addAndGet(frame.readableBytes());
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

    /**
     * Writes a WebSocket ping with {@code payload} after every frame sent so far (on the event loop,
     * behind what is queued now). Nothing if the connection is closing. Any thread.
     */
    void pingAfterQueued(byte[] payload) {
        Runnable task = () -> {
            if (closed || closeFrameSent || !channel.isActive()) {
                return;
            }
            ByteBuf frame;
            while ((frame = queue.poll()) != null) {
                queueBytes.addAndGet(-frame.readableBytes());
                channel.write(new BinaryWebSocketFrame(frame), channel.voidPromise());
            }
            channel.writeAndFlush(new PingWebSocketFrame(
                    Unpooled.wrappedBuffer(payload)), channel.voidPromise());
        };
        try {
            channel.eventLoop().execute(task);
        } catch (RejectedExecutionException e) {
            // the channel is gone
        }
    }

    /** Writes what is queued and flushes once. Event loop only. */
    private void drain() {
        writeHeld(); // frames of a read batch still held go first
        int written = 0;
        boolean batch = peerBatches.getAsBoolean();
        ByteBuf frame;
        while (written < MAX_PER_DRAIN && (frame = queue.poll()) != null) {
            queueBytes.addAndGet(-frame.readableBytes());
            if (closed || closeFrameSent) {
                frame.release();
            } else {
                if (batch) {
                    held.add(frame);
                } else {
                    channel.write(new BinaryWebSocketFrame(frame), channel.voidPromise());
                }
                written++;
            }
        }
        writeHeld();
        if (written > 0) {
            channel.flush();
        }
        scheduled.set(false);
        if (!queue.isEmpty()) {
            schedule();
        }
    }

    /**
     * Writes the held frames: runs of 2 to 256 frames of at most {@link #MAX_BATCH_BYTES} in all as one
     * BATCH message each, a frame left alone (or larger than that) as itself. Event loop only.
     */
    private void writeHeld() {
        int n = held.size();
        if (n == 0) {
            return;
        }
        try {
            if (closed || closeFrameSent) {
                held.forEach(ByteBuf::release);
                return;
            }
            for (int i = 0; i < n; ) {
                int j = i + 1;
                int size = held.get(i).readableBytes() + 5;
                while (j < n && j - i < Frames.MAX_BATCH_FRAMES && size + held.get(j).readableBytes() + 5 <= MAX_BATCH_BYTES) {
                    size += held.get(j++).readableBytes() + 5;
                }
                if (j - i == 1) {
                    channel.write(new BinaryWebSocketFrame(held.get(i)), channel.voidPromise());
                } else {
                    List<ByteBuf> run = held.subList(i, j);
                    ByteBuf batch = channel.alloc().buffer(size + 3);
                    try {
                        Frames.writeBatch(batch, run);
                    } finally {
                        run.forEach(ByteBuf::release);
                    }
                    channel.write(new BinaryWebSocketFrame(batch), channel.voidPromise());
                }
                i = j;
            }
        } finally {
            held.clear();
        }
    }

    @Override
    public boolean isOpen() {
        return !closed && !closing.get() && channel.isActive();
    }

    /** The code and reason this side closed with first ({@link #close}), or 0 and null. */
    private volatile int localCloseCode;
    private volatile String localCloseReason;

    /** The code this side's {@link #close} sent, or 0 if this side did not start the close. */
    int localCloseCode() {
        return localCloseCode;
    }

    /** The reason this side's {@link #close} sent, or null if this side did not start the close. */
    String localCloseReason() {
        return localCloseReason;
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
        localCloseCode = code;
        localCloseReason = reason;
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
            // A peer that does not read (a slow consumer) would keep the close frame unwritten forever.
            ScheduledFuture<?> force = channel.eventLoop().schedule(() -> {
                channel.close();
            }, CLOSE_ANSWER_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            channel.closeFuture().addListener(f -> force.cancel(false));
        }
    }

    /** The channel is closed: drop everything queued now or later. */
    public void markClosed() {
        closed = true;
        if (channel.eventLoop().inEventLoop()) {
            held.forEach(ByteBuf::release);
            held.clear();
        }
        discard();
    }

    private void discard() {
        ByteBuf frame;
        while ((frame = queue.poll()) != null) {
            queueBytes.addAndGet(-frame.readableBytes());
            frame.release();
        }
    }
}
