package dev.hardlight.netty.internal;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SelectStrategyFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.channels.spi.SelectorProvider;

/**
 * The native transport when there is one (epoll on Linux), NIO otherwise; and the event loop groups
 * shared by the clients of the process. Thread-safe.
 */
public final class Transports {
    private Transports() {}

    private static final boolean EPOLL = Epoll.isAvailable();

    /** Holder idiom: the shared client group is made on first use only. */
    private static final class SharedClientGroup {
        static final IoThreads GROUP = IoThreads.create(0, "hl-client", true, false);
    }

    /** The same for the shared busy-poll client group: one thread, spinning while a connection is open. */
    private static final class SharedBusyPollGroup {
        static final IoThreads GROUP = IoThreads.create(1, "hl-client-spin", true, true);
    }

    /** Whether the epoll transport is used. */
    public static boolean epoll() {
        return EPOLL;
    }

    /** A name for logs: "epoll" or "nio". */
    public static String name() {
        return EPOLL ? "epoll" : "nio";
    }

    static IoHandlerFactory ioHandlerFactory(boolean epoll, SelectStrategyFactory strategy) {
        return epoll ? EpollIoHandler.newFactory(0, strategy) : NioIoHandler.newFactory(SelectorProvider.provider(), strategy);
    }

    /** A new group of {@code threads} event loops (0: Netty's default, twice the cores) that sleep when idle. */
    public static EventLoopGroup newGroup(int threads, String namePrefix, boolean daemon) {
        return IoThreads.create(threads, namePrefix, daemon, false);
    }

    /** The group every client connection of this process runs on by default: daemon threads, never shut down. */
    public static IoThreads clientGroup() {
        return SharedClientGroup.GROUP;
    }

    /**
     * The group of the clients that ask for busy polling without a group of their own: one daemon
     * thread, made on first use, never shut down; it spins only while one of its connections is open.
     */
    public static IoThreads busyPollClientGroup() {
        return SharedBusyPollGroup.GROUP;
    }

    public static Class<? extends ServerChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public static Class<? extends Channel> clientChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
