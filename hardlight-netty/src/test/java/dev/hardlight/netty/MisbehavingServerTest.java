package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.internal.protocol.Frames;
import dev.hardlight.internal.protocol.Outbound;
import dev.hardlight.internal.protocol.ServerSession;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The client against a scripted server that breaks the protocol or vanishes: no call ever hangs. */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class MisbehavingServerTest {
    private EventLoopGroup group;
    private Channel serverChannel;

    /** Starts a plaintext WebSocket server that sends a valid HELLO, then lets {@code onCall} answer each CALL. */
    private URI start(BiConsumer<ChannelHandlerContext, ByteBuf> onCall) {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        serverChannel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                                new WebSocketServerProtocolHandler("/hl", Frames.SUBPROTOCOL),
                                new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                                            ctx.writeAndFlush(new BinaryWebSocketFrame(hello()));
                                        }
                                    }

                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        try {
                                            if (msg instanceof BinaryWebSocketFrame f) {
                                                onCall.accept(ctx, f.content());
                                            }
                                        } finally {
                                            ReferenceCountUtil.release(msg);
                                        }
                                    }
                                });
                    }
                }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
        return URI.create("ws://127.0.0.1:" + ((InetSocketAddress) serverChannel.localAddress()).getPort() + "/hl");
    }

    /** The HELLO a real Counter server sends. */
    static ByteBuf hello() {
        Outbound none = new Outbound() {
            @Override
            public ByteBufAllocator alloc() {
                return ByteBufAllocator.DEFAULT;
            }

            @Override
            public void send(ByteBuf frame) {
                frame.release();
            }

            @Override
            public void close(int code, String reason) {}
        };
        ServerSession<Counter> session = new ServerSession<>(CounterSchema.DESCRIPTOR, new CounterHandler(null, null, null),
                none, Runnable::run, 64, 1 << 20, "");
        ByteBuf buf = Unpooled.buffer();
        Frames.writeHello(buf, session.hello(List.of()));
        return buf;
    }

    @AfterEach
    void stop() {
        serverChannel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static ClientOptions plaintext() {
        return ClientOptions.builder().insecurePlaintext().build();
    }

    @Test
    void garbageAnswerClosesWith1002AndFailsTheCall() {
        URI uri = start((ctx, call) -> ctx.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {0x7F}))));
        try (CounterClient client = HardLight.connect(uri, plaintext(), CounterClient.FACTORY)) {
            assertThatThrownBy(() -> client.increment(1))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.CONNECTION_LOST))
                    .hasMessageContaining("the server broke the protocol")
                    .hasMessageContaining("1002");
            assertThat(client.channel().isOpen()).isFalse();
        }
    }

    @Test
    void vanishingServerFailsPendingCalls() throws Exception {
        CompletableFuture<Void> called = new CompletableFuture<>();
        CompletableFuture<ChannelHandlerContext> connection = new CompletableFuture<>();
        URI uri = start((ctx, call) -> {
            connection.complete(ctx);
            called.complete(null);
        });
        try (CounterClient client = HardLight.connect(uri, plaintext(), CounterClient.FACTORY)) {
            CompletableFuture<Integer> pending = client.incrementAsync(1);
            called.get(10, TimeUnit.SECONDS);
            connection.get().channel().close(); // TCP FIN, no close frame
            assertThatThrownBy(() -> pending.get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.CONNECTION_LOST))
                    .hasMessageContaining("was lost");
        }
    }
}
