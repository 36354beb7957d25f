package dev.hardlight.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SelectStrategy;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;

/**
 * The transport ceiling: a Netty 4.2 WebSocket server that echoes each binary message, and a client
 * matching echoes to calls in order (a WebSocket preserves order). No protocol of its own: what any
 * RPC framework on this transport can at best reach. Same TLS (BoringSSL, TLS 1.3, same certificate),
 * epoll, pooled buffers and default thread counts as HardLight; writes made while reading are
 * flushed once per read batch, as a careful hand-written server would.
 */
final class NettyWsSystem implements RpcSystem {
    /** The size of a message each way (the anchors' 16 bytes: a HardLight call frame is smaller). */
    static final int FRAME_BYTES = 16;

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final EventLoopGroup clients;
    private final Channel serverChannel;
    private final SslContext clientSsl;
    private final int port;
    /** Upgraded server-side channels, for {@link #emit}. */
    private final ChannelGroup upgraded = new DefaultChannelGroup("ws", GlobalEventExecutor.INSTANCE);

    NettyWsSystem(boolean busyPoll, BenchTls tls) throws Exception {
        if (busyPoll) {
            boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("ws-boss", true), EpollIoHandler.newFactory());
            workers = busyPollGroup("ws-server");
            clients = busyPollGroup("ws-client");
        } else {
            boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("ws-boss", true), EpollIoHandler.newFactory());
            workers = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("ws-server", true), EpollIoHandler.newFactory());
            clients = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("ws-client", true), EpollIoHandler.newFactory());
        }
        SslContext serverSsl = tls == null ? null : SslContextBuilder.forServer(tls.cert.toFile(), tls.key.toFile())
                .sslProvider(SslProvider.OPENSSL).protocols("TLSv1.3").build();
        clientSsl = tls == null ? null : SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL)
                .protocols("TLSv1.3").trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        serverChannel = new ServerBootstrap()
                .group(boss, workers)
                .channel(EpollServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (serverSsl != null) {
                            p.addLast(serverSsl.newHandler(ch.alloc()));
                        }
                        p.addLast(new HttpServerCodec(), new HttpObjectAggregator(65_536),
                                new WebSocketServerProtocolHandler("/ws", null, false, 65_536), new Echo(upgraded));
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    static EventLoopGroup busyPollGroup(String name) {
        return new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name, true),
                EpollIoHandler.newFactory(0, () -> (selectSupplier, hasTasks) -> SelectStrategy.BUSY_WAIT));
    }

    /**
     * The fan-out ceiling: one 8-byte message ({@code sentNanos}) encoded once, its bytes shared by a
     * write to every upgraded connection (each flushed on its own event loop).
     */
    int emit(long sentNanos) {
        ByteBuf payload = Unpooled.directBuffer(8).writeLong(sentNanos);
        int n = 0;
        try {
            for (Channel ch : upgraded) {
                ch.writeAndFlush(new BinaryWebSocketFrame(payload.retainedDuplicate()), ch.voidPromise());
                n++;
            }
        } finally {
            payload.release();
        }
        return n;
    }

    int connectionCount() {
        return upgraded.size();
    }

    int port() {
        return port;
    }

    /** Echoes each binary message back as it came; flushes once per read batch. */
    private static final class Echo extends ChannelInboundHandlerAdapter {
        private final ChannelGroup upgraded;

        Echo(ChannelGroup upgraded) {
            this.upgraded = upgraded;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                upgraded.add(ctx.channel());
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof BinaryWebSocketFrame frame) {
                ctx.write(frame, ctx.voidPromise());
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    @Override
    public Conn connect() throws Exception {
        return connect(port, clientSsl, clients, null);
    }

    /**
     * A client to the server on {@code port}; a message that answers no call is a tick, given to
     * {@code onTick} (8 bytes: the server's emit time).
     */
    static Conn connect(int port, SslContext clientSsl, EventLoopGroup clients, LongConsumer onTick) throws Exception {
        Client client = new Client(onTick);
        URI uri = URI.create((clientSsl != null ? "wss" : "ws") + "://127.0.0.1:" + port + "/ws");
        Channel ch = new Bootstrap()
                .group(clients)
                .channel(EpollSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (clientSsl != null) {
                            p.addLast(clientSsl.newHandler(ch.alloc(), "localhost", port));
                        }
                        p.addLast(new HttpClientCodec(), new HttpObjectAggregator(8192),
                                new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                                        .webSocketUri(uri).maxFramePayloadLength(65_536).build()),
                                client);
                    }
                })
                .connect("127.0.0.1", port).sync().channel();
        client.channel = ch;
        client.open.get(10, TimeUnit.SECONDS);
        return client;
    }

    /** The client side: calls answered in order. Its queue is touched on the event loop only. */
    private static final class Client extends ChannelInboundHandlerAdapter implements Conn {
        final CompletableFuture<Void> open = new CompletableFuture<>();
        final ArrayDeque<IntConsumer> pending = new ArrayDeque<>();
        final LongConsumer onTick;
        volatile Channel channel;

        Client(LongConsumer onTick) {
            this.onTick = onTick;
        }
        boolean reading;
        boolean needsFlush;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                open.complete(null);
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            reading = true;
            try {
                if (msg instanceof BinaryWebSocketFrame frame) {
                    IntConsumer done = pending.poll();
                    if (done != null) {
                        done.accept(frame.content().getInt(frame.content().readerIndex()) + 1);
                    } else if (onTick != null) {
                        onTick.accept(frame.content().getLong(frame.content().readerIndex()));
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            reading = false;
            if (needsFlush) {
                needsFlush = false;
                ctx.flush();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            open.completeExceptionally(cause);
            ctx.close();
        }

        @Override
        public int callBlocking(int x) throws Exception {
            CompletableFuture<Integer> f = new CompletableFuture<>();
            callAsync(x, f::complete);
            return f.get();
        }

        @Override
        public void callAsync(int x, IntConsumer done) {
            Channel ch = channel;
            if (ch.eventLoop().inEventLoop()) {
                send(ch, x, done);
            } else {
                ch.eventLoop().execute(() -> send(ch, x, done));
            }
        }

        private void send(Channel ch, int x, IntConsumer done) {
            pending.add(done);
            ByteBuf payload = ch.alloc().buffer(FRAME_BYTES).writeInt(x).writeZero(FRAME_BYTES - 4);
            BinaryWebSocketFrame frame = new BinaryWebSocketFrame(payload);
            if (reading) {
                ch.write(frame, ch.voidPromise());
                needsFlush = true;
            } else {
                ch.writeAndFlush(frame, ch.voidPromise());
            }
        }

        @Override
        public void close() throws InterruptedException {
            channel.close().await(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        serverChannel.close().await(5, TimeUnit.SECONDS);
        for (EventLoopGroup g : new EventLoopGroup[] {boss, workers, clients}) {
            g.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
