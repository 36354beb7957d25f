package dev.hardlight.bench.streams;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * The loopback echo servers of {@link StreamsBenchmark}, each on one Netty NIO event-loop thread: a
 * WebSocket server echoing data frames (optionally over TLS), a server that upgrades and then echoes raw
 * bytes (the TCP floor's server work, for a client that does not mask), and a plain TCP echo.
 */
final class EchoServers implements AutoCloseable {
    enum Kind { WEBSOCKET, RAW_AFTER_UPGRADE, TCP }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final boolean tls;

    EchoServers(Kind kind, SslContext ssl) throws InterruptedException {
        this.tls = ssl != null;
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                        }
                        switch (kind) {
                            case WEBSOCKET -> ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                                    new WebSocketServerProtocolHandler("/ws"), new FrameEcho());
                            case RAW_AFTER_UPGRADE -> ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                                    new WebSocketServerProtocolHandler("/ws"), new RawEchoAfterUpgrade());
                            case TCP -> ch.pipeline().addLast(new RawEcho());
                        }
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port());
    }

    URI uri() {
        return URI.create((tls ? "wss" : "ws") + "://localhost:" + port() + "/ws");
    }

    @Override
    public void close() throws InterruptedException {
        server.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /** Echoes text and binary frames as they come. */
    private static final class FrameEcho extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
                ctx.writeAndFlush(frame.retainedDuplicate());
            }
        }
    }

    private static class RawEcho extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }
    }

    /**
     * After the upgrade every other handler is removed and bytes are echoed as they come: an unmasked
     * client frame is a valid server frame, so the server does the TCP floor's work and nothing more.
     */
    private static final class RawEchoAfterUpgrade extends RawEcho {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                for (String name : ctx.pipeline().names()) {
                    if (!name.equals(ctx.name()) && ctx.pipeline().get(name) != null) {
                        ctx.pipeline().remove(name);
                    }
                }
                return;
            }
            super.userEventTriggered(ctx, evt);
        }
    }
}
