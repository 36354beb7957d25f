package dev.hardlight.netty.internal;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The native transport when there is one (epoll on Linux), NIO otherwise; and the event loop group
 * shared by every client of the process. Thread-safe.
 */
public final class Transports {
    private Transports() {}

    private static final boolean EPOLL = Epoll.isAvailable();

    /** Holder idiom: the shared client group is made on first use only. */
    private static final class SharedClientGroup {
        static final EventLoopGroup GROUP = newGroup(0, "hl-client", true);
    }

    /** Whether the epoll transport is used. */
    public static boolean epoll() {
        return EPOLL;
    }

    /** A name for logs: "epoll" or "nio". */
    public static String name() {
        return EPOLL ? "epoll" : "nio";
    }

    private static IoHandlerFactory ioHandlerFactory() {
        return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    /** A new group of {@code threads} event loops (0: Netty's default, twice the cores). */
    public static EventLoopGroup newGroup(int threads, String namePrefix, boolean daemon) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(namePrefix, daemon), ioHandlerFactory());
    }

    /** The group every client connection of this process runs on: daemon threads, never shut down. */
    public static EventLoopGroup clientGroup() {
        return SharedClientGroup.GROUP;
    }

    public static Class<? extends ServerChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public static Class<? extends Channel> clientChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
