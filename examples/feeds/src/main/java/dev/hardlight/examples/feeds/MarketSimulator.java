package dev.hardlight.examples.feeds;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A local market-data simulator: a WebSocket server at {@code ws://127.0.0.1:PORT/ws}. A client subscribes
 * to one instrument with {@code {"method":"SUBSCRIBE","params":["btcusdt@trade"],"id":1}}; the server then
 * streams its trades every millisecond as JSON text:
 * {@code {"e":"trade","s":"BTCUSDT","t":17,"p":"43210.50","q":"0.012","n":123456789}}, where {@code n} is
 * the server's {@link System#nanoTime()} when it sent the trade (the demo runs both in one process, so the
 * client can tell the latency). {@link #dropAll(String)} drops the connections of an instrument, to show
 * reconnection.
 */
public final class MarketSimulator implements AutoCloseable {

    private static final Map<String, Double> START_PRICES = Map.of("BTCUSDT", 43_000.0, "ETHUSDT", 2_300.0, "XRPUSDT", 0.62);

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final Map<Channel, String> subscriptions = new ConcurrentHashMap<>();

    public MarketSimulator() throws InterruptedException {
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                                new WebSocketServerProtocolHandler("/ws"), new Subscriptions());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /** The port it listens on (loopback). */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Drops (no close frame) every connection subscribed to {@code symbol}. */
    public void dropAll(String symbol) {
        subscriptions.forEach((channel, s) -> {
            if (s.equals(symbol)) {
                // unsafe().close() skips the pipeline, so no close frame is sent: a dropped connection
                channel.eventLoop().execute(() -> channel.unsafe().close(channel.voidPromise()));
            }
        });
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Subscriptions extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        private ScheduledFuture<?> ticker;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            String text = frame.text();
            int at = text.indexOf("\"params\":[\"");
            int end = text.indexOf("@trade", at);
            if (at < 0 || end < 0 || ticker != null) {
                ctx.writeAndFlush(new TextWebSocketFrame("{\"error\":\"expected one SUBSCRIBE to <symbol>@trade\"}"));
                return;
            }
            String symbol = text.substring(at + 11, end).toUpperCase(Locale.ROOT);
            Double start = START_PRICES.get(symbol);
            if (start == null) {
                ctx.writeAndFlush(new TextWebSocketFrame("{\"error\":\"unknown symbol " + symbol + "\"}"));
                return;
            }
            subscriptions.put(ctx.channel(), symbol);
            ctx.writeAndFlush(new TextWebSocketFrame("{\"result\":null,\"id\":1}"));
            double[] price = {start};
            long[] id = {0};
            ticker = ctx.executor().scheduleAtFixedRate(() -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                price[0] *= 1 + (r.nextDouble() - 0.5) / 2000;
                String trade = String.format(Locale.ROOT, "{\"e\":\"trade\",\"s\":\"%s\",\"t\":%d,\"p\":\"%.4f\",\"q\":\"%.3f\",\"n\":%d}",
                        symbol, ++id[0], price[0], r.nextDouble() * 2, System.nanoTime());
                ctx.writeAndFlush(new TextWebSocketFrame(trade));
            }, 1, 1, TimeUnit.MILLISECONDS);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (ticker != null) {
                ticker.cancel(false);
            }
            subscriptions.remove(ctx.channel());
            super.channelInactive(ctx);
        }
    }
}
