package dev.hardlight.browser;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The baseline: a minimal JSON-over-WebSocket RPC server on Netty, over the same TLS (BoringSSL),
 * answering on the event loop. A request is a text frame {@code {"id":7,"method":"increment","args":[41]}},
 * the answer {@code {"id":7,"result":42}}; {@code order} echoes its argument, parsed and written again.
 */
final class JsonWsServer implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    private final Channel channel;

    JsonWsServer(Path certDir) throws Exception {
        SslContext ssl = SslContextBuilder.forServer(certDir.resolve("hardlight-cert.pem").toFile(),
                certDir.resolve("hardlight-key.pem").toFile()).sslProvider(SslProvider.OPENSSL).protocols("TLSv1.3").build();
        channel = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler("/json"), new Rpc());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    private static final class Rpc extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        @Override
        @SuppressWarnings("unchecked")
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            Map<String, Object> req = (Map<String, Object>) Json.parse(frame.text());
            List<Object> args = (List<Object>) req.get("args");
            Object result = switch ((String) req.get("method")) {
                case "increment" -> ((Number) args.get(0)).intValue() + 1;
                case "order" -> args.get(0);
                default -> null;
            };
            ctx.writeAndFlush(new TextWebSocketFrame("{\"id\":" + ((Number) req.get("id")).longValue() + ",\"result\":"
                    + Json.write(result) + "}"));
        }
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
