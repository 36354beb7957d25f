package dev.hardlight.stream;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal Netty WebSocket server on loopback for the tests. It echoes data frames as they come
 * (fragmentation kept) and obeys text commands:
 * {@code !fragments} (sends a text message in three fragments), {@code !ping} (sends a ping; the pong's
 * payload comes back as text "pong:..."), {@code !close} (closes with 4000 "bye"), {@code !drop} (drops
 * the TCP connection), {@code !big N} (sends a binary frame of N bytes, each byte its index mod 251).
 * Close codes received from clients are kept in {@link #closeCodes}; upgrades are counted.
 */
final class TestWebSocketServer implements AutoCloseable {

    final BlockingQueue<Integer> closeCodes = new LinkedBlockingQueue<>();
    final AtomicInteger upgrades = new AtomicInteger();
    volatile io.netty.handler.codec.http.HttpHeaders lastUpgradeHeaders;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel server;
    private final boolean tls;

    TestWebSocketServer(SslContext ssl, boolean allowUnmasked) throws InterruptedException {
        this.tls = ssl != null;
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/ws")
                .checkStartsWith(true)
                .dropPongFrames(false)
                .handleCloseFrames(false)
                .sendCloseFrame(null)
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(1 << 21)
                        .allowMaskMismatch(allowUnmasked)
                        .build())
                .build();
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler(config), new Echo(), new NotFound());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    static TestWebSocketServer plain() throws InterruptedException {
        return new TestWebSocketServer(null, false);
    }

    static TestWebSocketServer tls() throws Exception {
        return new TestWebSocketServer(SslContextBuilder.forServer(TestCertificate.get().keyManagers).build(), false);
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

    /** Drops every open connection (no close frame). */
    void dropAll() {
        channels.close().syncUninterruptibly();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        channels.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Answers any request that is not an upgrade to /ws. */
    private static final class NotFound extends SimpleChannelInboundHandler<io.netty.handler.codec.http.FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, io.netty.handler.codec.http.FullHttpRequest request) {
            var response = new io.netty.handler.codec.http.DefaultFullHttpResponse(request.protocolVersion(),
                    io.netty.handler.codec.http.HttpResponseStatus.NOT_FOUND);
            response.headers().set(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_LENGTH, 0);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete complete) {
                lastUpgradeHeaders = complete.requestHeaders();
                upgrades.incrementAndGet();
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof CloseWebSocketFrame close) {
                closeCodes.add(close.statusCode());
                ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), ""))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            if (frame instanceof PongWebSocketFrame pong) {
                ctx.writeAndFlush(new TextWebSocketFrame("pong:" + pong.content().toString(StandardCharsets.UTF_8)));
                return;
            }
            if (frame instanceof TextWebSocketFrame text && frame.isFinalFragment() && text.text().startsWith("!")) {
                command(ctx, text.text());
                return;
            }
            if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame
                    || frame instanceof ContinuationWebSocketFrame) {
                ctx.writeAndFlush(frame.retainedDuplicate());
            }
        }

        private void command(ChannelHandlerContext ctx, String command) {
            switch (command.split(" ")[0]) {
                case "!fragments" -> {
                    ctx.write(new TextWebSocketFrame(false, 0, "frag-1 "));
                    ctx.write(new ContinuationWebSocketFrame(false, 0, "frag-2 é "));
                    ctx.writeAndFlush(new ContinuationWebSocketFrame(true, 0, "frag-3"));
                }
                case "!ping" -> ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.copiedBuffer("are you there", StandardCharsets.UTF_8)));
                case "!close" -> ctx.writeAndFlush(new CloseWebSocketFrame(4000, "bye"));
                case "!drop" -> ctx.channel().close();
                case "!big" -> {
                    int n = Integer.parseInt(command.split(" ")[1]);
                    ByteBuf b = ctx.alloc().buffer(n);
                    for (int i = 0; i < n; i++) {
                        b.writeByte(i % 251);
                    }
                    ctx.writeAndFlush(new BinaryWebSocketFrame(b));
                }
                default -> ctx.writeAndFlush(new TextWebSocketFrame("unknown command " + command));
            }
        }
    }
}
