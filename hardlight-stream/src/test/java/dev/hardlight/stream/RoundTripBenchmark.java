package dev.hardlight.stream;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Round trip of one 256-byte text frame, sequential, over loopback plaintext, against a Netty echo server on
 * one event-loop thread: this module's WebSocket client busy-polling on the benchmark thread, the JDK's
 * {@code java.net.http} WebSocket, Netty's WebSocket client (its NIO event loop, blocking in select or
 * busy-polling; the benchmark thread spins on the reply), and the floor: a raw non-blocking socket writing 256 bytes and spinning on the read of 256
 * bytes back from a Netty TCP echo server; and, to compare like with like, this client against a server that
 * echoes raw bytes after the upgrade (the floor's server work). The {@code -tls} variants run over TLS 1.3 to
 * the same Netty server with a self-signed certificate (BoringSSL on both sides where available; the JDK's
 * client uses its own engine). Run as docs/streams.md says; read the figures as ratios of one run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RoundTripBenchmark {

    /** One client kind: a sequential round trip per call. */
    interface Client {
        void roundTrip() throws Exception;

        void close() throws Exception;
    }

    @Param({"hardlight-stream", "jdk-http", "netty", "netty-busy-poll", "tcp-floor", "hardlight-stream-raw-echo",
        "hardlight-stream-tls", "jdk-http-tls", "netty-tls"})
    public String client;

    private TestWebSocketServer wsServer;
    private EventLoopGroup tcpServerGroup;
    private Channel tcpServer;
    private Client c;

    static final byte[] PAYLOAD = new byte[256];
    static final String TEXT;

    static {
        for (int i = 0; i < PAYLOAD.length; i++) {
            PAYLOAD[i] = (byte) ('a' + i % 26);
        }
        TEXT = new String(PAYLOAD, StandardCharsets.US_ASCII);
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        switch (client) {
            case "hardlight-stream" -> {
                wsServer = TestWebSocketServer.plain();
                c = new StreamClient(wsServer);
            }
            case "jdk-http" -> {
                wsServer = TestWebSocketServer.plain();
                c = new JdkClient(wsServer);
            }
            case "netty" -> {
                wsServer = TestWebSocketServer.plain();
                c = new NettyClient(wsServer, false);
            }
            case "netty-busy-poll" -> {
                wsServer = TestWebSocketServer.plain();
                c = new NettyClient(wsServer, true);
            }
            case "hardlight-stream-tls" -> {
                wsServer = TestWebSocketServer.tls();
                c = new StreamClient(Streams.tls(Streams.tcp(wsServer.address()), "localhost", wsServer.port(),
                        TlsOptions.pinned(TestCertificate.get().fingerprint)), wsServer.uri(), WebSocketOptions.defaults());
            }
            case "jdk-http-tls" -> {
                wsServer = TestWebSocketServer.tls();
                c = new JdkClient(wsServer);
            }
            case "netty-tls" -> {
                wsServer = TestWebSocketServer.tls();
                c = new NettyClient(wsServer, false);
            }
            case "hardlight-stream-raw-echo" -> {
                tcpServerGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
                tcpServer = rawEchoAfterUpgrade(tcpServerGroup);
                int port = ((InetSocketAddress) tcpServer.localAddress()).getPort();
                c = new StreamClient(new InetSocketAddress("127.0.0.1", port), java.net.URI.create("ws://127.0.0.1:" + port + "/ws"),
                        WebSocketOptions.builder().masking(false).build());
            }
            default -> {
                tcpServerGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
                tcpServer = new ServerBootstrap().group(tcpServerGroup).channel(NioServerSocketChannel.class)
                        .childHandler(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ctx.writeAndFlush(msg);
                            }
                        }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
                c = new TcpFloor((InetSocketAddress) tcpServer.localAddress());
            }
        }
        for (int i = 0; i < 1000; i++) {
            c.roundTrip();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        c.close();
        if (wsServer != null) {
            wsServer.close();
        }
        if (tcpServer != null) {
            tcpServer.close().sync();
            tcpServerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /**
     * The upgrade by Netty, then every WebSocket handler removed and bytes echoed as they come: with masking off,
     * the client's frames come back as valid server frames, so the server does exactly the TCP floor's work.
     */
    private static Channel rawEchoAfterUpgrade(EventLoopGroup group) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new io.netty.handler.codec.http.HttpServerCodec(), new HttpObjectAggregator(8192),
                                new io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler("/ws"),
                                new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                        if (evt instanceof io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete) {
                                            for (String name : ctx.pipeline().names()) {
                                                if (!name.equals(ctx.name()) && ctx.pipeline().context(name) != null
                                                        && ctx.pipeline().get(name) != null) {
                                                    ctx.pipeline().remove(name);
                                                }
                                            }
                                        }
                                    }

                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        ctx.writeAndFlush(msg);
                                    }
                                });
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    @Benchmark
    public void roundTrip256() throws Exception {
        c.roundTrip();
    }

    static final class StreamClient implements Client {
        private final WebSocket ws;
        private final UnsafeBuffer msg = new UnsafeBuffer(PAYLOAD);
        private long received;

        StreamClient(TestWebSocketServer server) throws IOException {
            this(server.address(), server.uri(), WebSocketOptions.defaults());
        }

        StreamClient(InetSocketAddress address, java.net.URI uri, WebSocketOptions options) throws IOException {
            this(Streams.tcp(address), uri, options);
        }

        StreamClient(Stream stream, java.net.URI uri, WebSocketOptions options) throws IOException {
            ws = WebSocket.over(stream, uri, options, (s, f) -> received++);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (ws.state() != WebSocket.State.OPEN) {
                ws.poll();
                if (System.nanoTime() > deadline) {
                    throw new IOException("not open: " + ws);
                }
            }
        }

        @Override
        public void roundTrip() throws IOException {
            long expected = received + 1;
            ws.sendText(msg, 0, msg.capacity());
            while (received < expected) {
                ws.poll();
                if (ws.state() != WebSocket.State.OPEN) {
                    throw new IOException("closed: " + ws);
                }
            }
        }

        @Override
        public void close() {
            ws.close();
        }
    }

    static final class JdkClient implements Client, java.net.http.WebSocket.Listener {
        private final HttpClient http;
        private final java.net.http.WebSocket ws;
        private volatile long received;
        private final StringBuilder partial = new StringBuilder();

        JdkClient(TestWebSocketServer server) throws Exception {
            javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
            ssl.init(null, new javax.net.ssl.TrustManager[] {trustAll()}, null);
            http = HttpClient.newBuilder().sslContext(ssl).build();
            ws = http.newWebSocketBuilder().buildAsync(server.uri(), this).join();
        }

        @Override
        public CompletionStage<?> onText(java.net.http.WebSocket webSocket, CharSequence data, boolean last) {
            if (last) {
                received++;
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void roundTrip() throws Exception {
            long expected = received + 1;
            ws.sendText(TEXT, true).join();
            while (received < expected) {
                Thread.onSpinWait();
            }
        }

        @Override
        public void close() {
            ws.sendClose(1000, "").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
            http.close();
        }
    }

    /** For the benchmark's self-signed server only. */
    static javax.net.ssl.X509TrustManager trustAll() {
        return new javax.net.ssl.X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType, java.net.Socket socket) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType, java.net.Socket socket) {
            }

            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine) {
            }

            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        };
    }

    static final class NettyClient implements Client {
        private final EventLoopGroup group;
        private final Channel channel;
        private final ByteBuf payload = Unpooled.unreleasableBuffer(Unpooled.directBuffer(256).writeBytes(PAYLOAD));
        private volatile long received;

        /**
         * {@code busyPoll}: the event loop never blocks in select; after an empty {@code selectNow} it yields
         * (as HardLight's own busy-poll option does: on a loaded machine a pure spin starves the other threads).
         */
        NettyClient(TestWebSocketServer server, boolean busyPoll) throws Exception {
            group = new MultiThreadIoEventLoopGroup(1, busyPoll
                    ? NioIoHandler.newFactory(java.nio.channels.spi.SelectorProvider.provider(), () -> (selectNow, hasTasks) -> {
                        int ready = selectNow.get();
                        if (ready == 0) {
                            Thread.yield();
                        }
                        return ready;
                    })
                    : NioIoHandler.newFactory());
            CompletableFuture<Void> open = new CompletableFuture<>();
            io.netty.handler.ssl.SslContext ssl = server.uri().getScheme().equals("wss")
                    ? io.netty.handler.ssl.SslContextBuilder.forClient().trustManager(trustAll())
                            .endpointIdentificationAlgorithm(null).build()
                    : null;
            channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.config().setOption(io.netty.channel.ChannelOption.TCP_NODELAY, true);
                            if (ssl != null) {
                                ch.pipeline().addLast(ssl.newHandler(ch.alloc(), "localhost", server.port()));
                            }
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192),
                                    new WebSocketClientProtocolHandler(WebSocketClientHandshakerFactory.newHandshaker(
                                            server.uri(), WebSocketVersion.V13, null, false, new DefaultHttpHeaders())),
                                    new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                                        @Override
                                        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                                            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                                                open.complete(null);
                                            }
                                            super.userEventTriggered(ctx, evt);
                                        }

                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
                                            received++;
                                        }
                                    });
                        }
                    }).connect(server.address()).sync().channel();
            open.get(10, TimeUnit.SECONDS);
        }

        @Override
        public void roundTrip() {
            long expected = received + 1;
            channel.writeAndFlush(new TextWebSocketFrame(payload.duplicate()));
            while (received < expected) {
                Thread.onSpinWait();
            }
        }

        @Override
        public void close() throws Exception {
            channel.close().sync();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    static final class TcpFloor implements Client {
        private final java.nio.channels.SocketChannel ch;
        private final ByteBuffer out = ByteBuffer.allocateDirect(256);
        private final ByteBuffer in = ByteBuffer.allocateDirect(256);

        TcpFloor(InetSocketAddress address) throws IOException {
            ch = java.nio.channels.SocketChannel.open(address);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.configureBlocking(false);
            out.put(PAYLOAD).flip();
        }

        @Override
        public void roundTrip() throws IOException {
            out.rewind();
            while (out.hasRemaining()) {
                ch.write(out);
            }
            in.clear();
            while (in.hasRemaining()) {
                if (ch.read(in) < 0) {
                    throw new IOException("closed");
                }
            }
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
