package dev.hardlight.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Busy-polling event loops on both transports: I/O flows, work handed over by other threads runs
 * while a connection is open and silent (a loop that spun without looking at its task queue would
 * leave it waiting for the next packet, and these tests would time out), and the loops sleep and
 * wake as usual once no connection is open.
 */
@Timeout(30)
class IoThreadsTest {

    /** Echoes what it reads. */
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }
    }

    /** Hands what it reads to the test. */
    private static final class Inbox extends ChannelInboundHandlerAdapter {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                received.add(buf.toString(StandardCharsets.US_ASCII));
            } finally {
                buf.release();
            }
        }
    }

    /**
     * A connect racing the group's close: the registration is refused with the group's reason and the
     * channel is closed, by the bootstrap on this thread. (It used to be registered on another group
     * first, which raced that close and tripped Netty's event-loop assertion under {@code -ea}.)
     */
    @ParameterizedTest(name = "epoll={0}")
    @ValueSource(booleans = {false, true})
    void aRefusedRegistrationFailsTheConnectWithTheReasonAndClosesTheChannel(boolean epoll) throws Exception {
        assumeTrue(!epoll || Transports.epoll(), "epoll is not available here");
        IoThreads group = IoThreads.create(1, "test-refuse", true, false, epoll);
        try {
            group.refuseNewChannels("the test closed it");
            assertThat(group.refusesNewChannels()).isTrue();
            for (int i = 0; i < 50; i++) {
                ChannelFuture f = new Bootstrap()
                        .group(group)
                        .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                        .handler(new Echo())
                        .connect(new InetSocketAddress("127.0.0.1", 9));
                assertThat(f.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(f.cause()).isInstanceOf(IllegalStateException.class).hasMessage("the test closed it");
                assertThat(f.channel().isOpen()).isFalse();
                assertThat(f.channel().isRegistered()).isFalse();
            }
            assertThat(group.openChannels()).isZero();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @ParameterizedTest(name = "epoll={0}")
    @ValueSource(booleans = {false, true})
    void busyPollingLoopsServeIoAndTasksFromOtherThreadsAndSleepWithoutConnections(boolean epoll) throws Exception {
        assumeTrue(!epoll || Transports.epoll(), "epoll is not available here");
        IoThreads group = IoThreads.create(1, "test-spin", true, true, epoll);
        try {
            assertThat(group.busyPoll()).isTrue();
            assertThat(group.threads()).isEqualTo(1);
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                    .childHandler(new Echo())
                    .bind("127.0.0.1", 0).sync().channel();
            Inbox inbox = new Inbox();
            Channel client = new Bootstrap()
                    .group(group)
                    .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(inbox);
                        }
                    })
                    .connect((InetSocketAddress) server.localAddress()).sync().channel();
            // The listening socket, the client and the accepted connection.
            awaitOpen(group, 3);

            EventLoop loop = group.next();
            for (int i = 0; i < 1_000; i++) {
                int n = i;
                assertThat(loop.submit(() -> n).get(10, TimeUnit.SECONDS)).isEqualTo(n);
            }
            for (int i = 0; i < 100; i++) {
                // Written from this thread: the loop must notice the write task, then the echo.
                client.writeAndFlush(Unpooled.copiedBuffer("m" + i + ";", StandardCharsets.US_ASCII));
            }
            StringBuilder echoed = new StringBuilder();
            while (echoed.length() < expectedLength(100)) {
                String part = inbox.received.poll(10, TimeUnit.SECONDS);
                assertThat(part).as("echo after " + echoed).isNotNull();
                echoed.append(part);
            }
            assertThat(echoed.toString()).startsWith("m0;m1;").endsWith("m99;");

            client.close().sync();
            server.close().sync();
            awaitOpen(group, 0);
            // Sleeping now: work from another thread must wake the loop up.
            for (int i = 0; i < 100; i++) {
                int n = i;
                assertThat(loop.submit(() -> n).get(10, TimeUnit.SECONDS)).isEqualTo(n);
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @ParameterizedTest(name = "busyPoll={0}")
    @ValueSource(booleans = {false, true})
    void aGroupRefusingChannelsFailsTheirRegistrationWithTheReason(boolean busyPoll) throws Exception {
        IoThreads group = IoThreads.create(1, "test-refuse", true, busyPoll);
        try {
            group.refuseNewChannels("the test group is closed");
            ChannelFuture connect = new Bootstrap()
                    .group(group)
                    .channel(Transports.clientChannel())
                    .handler(new Echo())
                    .connect("127.0.0.1", 9);
            assertThat(connect.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(connect.cause()).isInstanceOf(IllegalStateException.class).hasMessage("the test group is closed");
            assertThat(group.openChannels()).isZero();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @org.junit.jupiter.api.Test
    void checksTheThreadCount() {
        assertThatThrownBy(() -> IoThreads.create(-1, "x", true, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads: -1 (expected: >= 0)");
    }

    private static int expectedLength(int messages) {
        int length = 0;
        for (int i = 0; i < messages; i++) {
            length += ("m" + i + ";").length();
        }
        return length;
    }

    private static void awaitOpen(IoThreads group, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (group.openChannels() != expected) {
            assertThat(System.nanoTime() - deadline).as("open channels: " + group.openChannels() + ", expected " + expected)
                    .isNegative();
            Thread.sleep(5);
        }
    }
}
