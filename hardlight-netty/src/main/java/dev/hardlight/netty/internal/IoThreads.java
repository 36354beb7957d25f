package dev.hardlight.netty.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A group of event loops that knows the channels registered on it, and may busy-poll.
 *
 * <p>Busy polling: while at least one channel is open on the group, its threads never sleep in
 * {@code epoll_wait}/{@code select}; each turn of a loop asks the kernel for ready sockets without
 * waiting, then runs its tasks, then asks again. A packet is read as soon as it arrives instead of
 * after a thread wake-up, and a task handed over by another thread (a handler's answer, a client's
 * call) needs no wake-up system call: at the price of one core per thread at 100%, idle or not.
 * With no channel open, the threads sleep as usual, so an idle busy-poll group costs nothing.
 *
 * <p>The strategy polls through the transport's own "select now" ({@code epoll_wait} with a zero
 * timeout, or {@code Selector.selectNow()}), so it works the same on epoll and NIO; Netty's
 * {@code SelectStrategy.BUSY_WAIT} does the same poll on epoll but means a blocking select to NIO.
 * After an empty poll the thread yields ({@code sched_yield}): with a core of its own, that returns
 * at once and the thread polls again; on a machine with more runnable threads than cores, it lets
 * the handlers and the application run instead of burning the rest of its time slice. Measured on
 * two busy cores, a spin-wait hint (the pause instruction of Netty's native busy wait) in its place
 * made a round trip several times slower than not busy polling at all, the yield faster.
 *
 * <p>Thread-safe.
 */
public final class IoThreads extends MultiThreadIoEventLoopGroup {
    private final int threads;
    private final boolean busyPoll;
    private final AtomicInteger open;
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private volatile String closedReason;

    private IoThreads(int threads, String namePrefix, boolean daemon, boolean busyPoll, boolean epoll, AtomicInteger open) {
        super(threads, new DefaultThreadFactory(namePrefix, daemon),
                Transports.ioHandlerFactory(epoll, busyPoll ? new BusyPoll(open) : DefaultSelectStrategyFactory.INSTANCE));
        this.threads = executorCount();
        this.busyPoll = busyPoll;
        this.open = open;
    }

    /**
     * A group of the process's transport (epoll when available).
     *
     * @param threads event loops; 0 for Netty's default (twice the available processors)
     */
    public static IoThreads create(int threads, String namePrefix, boolean daemon, boolean busyPoll) {
        return create(threads, namePrefix, daemon, busyPoll, Transports.epoll());
    }

    /** A group of the given transport: {@code epoll} false for NIO (tests run both). */
    public static IoThreads create(int threads, String namePrefix, boolean daemon, boolean busyPoll, boolean epoll) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: >= 0)");
        }
        return new IoThreads(threads, namePrefix, daemon, busyPoll, epoll, new AtomicInteger());
    }

    /** The number of event loops. */
    public int threads() {
        return threads;
    }

    /** Whether the loops busy-poll while a channel is open. */
    public boolean busyPoll() {
        return busyPoll;
    }

    /** Channels registered and not yet closed. */
    public int openChannels() {
        return open.get();
    }

    /** A snapshot of the channels registered and not yet closed. */
    public List<Channel> channels() {
        return List.copyOf(channels);
    }

    /**
     * Refuses registrations from now on with {@code reason} (instead of Netty's "event executor
     * terminated"), before the group is shut down. For client channels only.
     */
    public void refuseNewChannels(String reason) {
        closedReason = reason;
    }

    /** Whether {@link #refuseNewChannels} was called: connecting on this group fails from now on. */
    public boolean refusesNewChannels() {
        return closedReason != null;
    }

    /**
     * Closes every channel open on the group: an open WebSocket connection with a close frame of this
     * code and reason (after what it has queued), one still connecting at once. Returns them, to wait
     * for; returns at once.
     */
    public List<Channel> closeChannels(int code, String reason) {
        List<Channel> open = channels();
        for (Channel ch : open) {
            FrameHandler frames = ch.pipeline().get(FrameHandler.class);
            if (frames != null) {
                frames.out.close(code, reason);
            } else {
                ch.close();
            }
        }
        return open;
    }

    /**
     * Counts the channel while it is open. Counted before the registration task is queued: the loop
     * that runs it then polls at once, instead of going back to sleep first.
     */
    @Override
    public ChannelFuture register(Channel channel) {
        String refused = closedReason;
        if (refused != null) {
            // Never registered anywhere: the bootstrap closes a channel whose registration failed and
            // that has no event loop itself, on the caller's thread. (Registering it elsewhere first
            // would race that close with the registration.) Notified on another executor: the
            // group's loops may be gone already.
            return new DefaultChannelPromise(channel, GlobalEventExecutor.INSTANCE)
                    .setFailure(new IllegalStateException(refused));
        }
        open.incrementAndGet();
        channels.add(channel);
        ChannelFuture f;
        try {
            f = super.register(channel);
        } catch (RuntimeException e) {
            forget(channel);
            throw e;
        }
        f.addListener(r -> {
            if (r.isSuccess()) {
                channel.closeFuture().addListener(c -> forget(channel));
            } else {
                forget(channel);
            }
        });
        return f;
    }

    private void forget(Channel channel) {
        if (channels.remove(channel)) {
            open.decrementAndGet();
        }
    }

    /**
     * Busy polling, one strategy per event loop: poll without waiting while a channel is open on the
     * group, sleep as usual (until I/O, a task or a timer) while none is.
     */
    private static final class BusyPoll implements SelectStrategyFactory, SelectStrategy {
        private final AtomicInteger open;

        BusyPoll(AtomicInteger open) {
            this.open = open;
        }

        @Override
        public SelectStrategy newSelectStrategy() {
            return this; // stateless
        }

        @Override
        public int calculateStrategy(IntSupplier selectSupplier, boolean hasTasks) throws Exception {
            if (!hasTasks && open.get() == 0) {
                return SelectStrategy.SELECT;
            }
            int ready = selectSupplier.get();
            if (ready == 0 && !hasTasks) {
                Thread.yield();
            }
            return ready;
        }
    }
}
