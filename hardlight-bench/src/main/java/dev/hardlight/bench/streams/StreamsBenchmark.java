package dev.hardlight.bench.streams;

import dev.hardlight.netty.internal.Certificates;
import dev.hardlight.netty.internal.KeyMaterial;
import dev.hardlight.stream.Stream;
import dev.hardlight.stream.Streams;
import dev.hardlight.stream.TlsOptions;
import dev.hardlight.stream.WebSocket;
import dev.hardlight.stream.WebSocketOptions;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocketListener;
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
 * Round trip of one 256-byte text frame, sequential, over loopback, against a Netty echo server on one
 * event-loop thread in the same JVM (JMH SampleTime: p50, p99, p99.9 per system). Systems:
 * <ul>
 *   <li>{@code hardlight-stream}: {@code hardlight-stream}'s WebSocket client busy-polling on the benchmark
 *       thread;</li>
 *   <li>{@code hardlight-stream-raw-echo}: the same client, masking off, against a server that echoes raw
 *       bytes after the upgrade (the floor's server work: the difference to the floor is the client's
 *       framing alone);</li>
 *   <li>{@code jdk-http}: the JDK's {@code java.net.http.WebSocket};</li>
 *   <li>{@code netty} and {@code netty-busy-poll}: Netty's WebSocket client on its NIO event loop, blocking
 *       in select or busy-polling ({@code selectNow}, then a yield when nothing was ready);</li>
 *   <li>{@code okhttp}: OkHttp's WebSocket client (its reader and writer threads);</li>
 *   <li>{@code tcp-floor}: a raw non-blocking socket writing 256 bytes and spinning on their echo from a Netty
 *       TCP echo server.</li>
 * </ul>
 * The other clients' callbacks run on their own threads; the benchmark thread spins on a volatile counter for
 * the reply. The {@code -tls} variants run TLS 1.3 to the same server with a self-signed certificate
 * (BoringSSL on the server, for this client and for Netty's; the JDK's and OkHttp's clients use the JDK's
 * engine). How to run it: docs/benchmarks.md, section "Streams". Read the figures of a run as ratios.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// Agrona (hardlight-stream's buffers) reads memory through jdk.internal.misc.Unsafe.
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class StreamsBenchmark {

    /** One client: a sequential round trip per call. */
    interface Client {
        void roundTrip() throws Exception;

        void close() throws Exception;
    }

    @Param({"tcp-floor", "hardlight-stream-raw-echo", "hardlight-stream", "jdk-http", "netty", "netty-busy-poll", "okhttp",
        "hardlight-stream-tls", "jdk-http-tls", "netty-tls", "netty-busy-poll-tls", "okhttp-tls"})
    public String system;

    static final byte[] PAYLOAD = new byte[256];
    static final String TEXT;

    static {
        for (int i = 0; i < PAYLOAD.length; i++) {
            PAYLOAD[i] = (byte) ('a' + i % 26);
        }
        TEXT = new String(PAYLOAD, StandardCharsets.US_ASCII);
    }

    private EchoServers server;
    private Client client;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        boolean tls = system.endsWith("-tls");
        String base = tls ? system.substring(0, system.length() - "-tls".length()) : system;
        KeyMaterial key = tls ? Certificates.selfSigned("localhost") : null;
        SslContext serverSsl = tls ? SslContextBuilder.forServer(key.key(), key.chain()).build() : null;
        switch (base) {
            case "tcp-floor" -> {
                server = new EchoServers(EchoServers.Kind.TCP, null);
                client = new TcpFloor(server.address());
            }
            case "hardlight-stream-raw-echo" -> {
                server = new EchoServers(EchoServers.Kind.RAW_AFTER_UPGRADE, null);
                client = new StreamClient(Streams.tcp(server.address()), server.uri(),
                        WebSocketOptions.builder().masking(false).build());
            }
            default -> {
                server = new EchoServers(EchoServers.Kind.WEBSOCKET, serverSsl);
                client = switch (base) {
                    case "hardlight-stream" -> new StreamClient(tls
                            ? Streams.tls(Streams.tcp(server.address()), "localhost", server.port(), TlsOptions.pinned(key.fingerprint()))
                            : Streams.tcp(server.address()), server.uri(), WebSocketOptions.defaults());
                    case "jdk-http" -> new JdkClient(server.uri());
                    case "netty" -> new NettyClient(server, false);
                    case "netty-busy-poll" -> new NettyClient(server, true);
                    case "okhttp" -> new OkHttpWebSocket(server.uri());
                    default -> throw new IllegalArgumentException("system: " + system);
                };
            }
        }
        for (int i = 0; i < 1000; i++) {
            client.roundTrip();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        client.close();
        server.close();
    }

    @Benchmark
    public void roundTrip256() throws Exception {
        client.roundTrip();
    }

    /** Waits for the reply counter to pass {@code expected}; fails after 10 s rather than hanging. */
    private static void await(LongSupplier received, long expected, String who) throws IOException {
        long deadline = 0;
        int spins = 0;
        while (received.getAsLong() < expected) {
            Thread.onSpinWait();
            if (++spins == 1 << 16) {
                spins = 0;
                long now = System.nanoTime();
                if (deadline == 0) {
                    deadline = now + 10_000_000_000L;
                } else if (now > deadline) {
                    throw new IOException(who + ": no reply in 10 s");
                }
            }
        }
    }

    static final class StreamClient implements Client {
        private final WebSocket ws;
        private final UnsafeBuffer msg = new UnsafeBuffer(PAYLOAD);
        private long received;

        StreamClient(Stream stream, URI uri, WebSocketOptions options) throws IOException {
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

        JdkClient(URI uri) throws Exception {
            http = HttpClient.newBuilder().sslContext(trustAllContext()).build();
            ws = http.newWebSocketBuilder().buildAsync(uri, this).get(10, TimeUnit.SECONDS);
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
            ws.sendText(TEXT, true).get(10, TimeUnit.SECONDS);
            await(() -> received, expected, "jdk-http");
        }

        @Override
        public void close() {
            ws.sendClose(1000, "").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
            http.close();
        }
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
        NettyClient(EchoServers server, boolean busyPoll) throws Exception {
            group = new MultiThreadIoEventLoopGroup(1, busyPoll
                    ? NioIoHandler.newFactory(SelectorProvider.provider(), () -> (selectNow, hasTasks) -> {
                        int ready = selectNow.get();
                        if (ready == 0) {
                            Thread.yield();
                        }
                        return ready;
                    })
                    : NioIoHandler.newFactory());
            CompletableFuture<Void> open = new CompletableFuture<>();
            SslContext ssl = server.uri().getScheme().equals("wss")
                    ? SslContextBuilder.forClient().trustManager(trustAll()).endpointIdentificationAlgorithm(null).build()
                    : null;
            channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
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
        public void roundTrip() throws IOException {
            long expected = received + 1;
            channel.writeAndFlush(new TextWebSocketFrame(payload.duplicate()));
            await(() -> received, expected, "netty");
        }

        @Override
        public void close() throws Exception {
            channel.close().sync();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** OkHttp's WebSocket: {@code send} queues the frame for OkHttp's writer; its reader thread calls the listener. */
    static final class OkHttpWebSocket extends WebSocketListener implements Client {
        private final OkHttpClient http;
        private final okhttp3.WebSocket ws;
        private final CompletableFuture<Void> open = new CompletableFuture<>();
        private volatile long received;

        OkHttpWebSocket(URI uri) throws Exception {
            X509TrustManager trust = trustAll();
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new TrustManager[] {trust}, new SecureRandom());
            http = new OkHttpClient.Builder()
                    .sslSocketFactory(ssl.getSocketFactory(), trust)
                    .hostnameVerifier((host, session) -> true)
                    .build();
            // OkHttp's Request takes http(s) URLs for WebSockets and upgrades them.
            String url = uri.toString().replaceFirst("^ws", "http");
            ws = http.newWebSocket(new Request.Builder().url(url).build(), this);
            open.get(10, TimeUnit.SECONDS);
        }

        @Override
        public void onOpen(okhttp3.WebSocket webSocket, Response response) {
            open.complete(null);
        }

        @Override
        public void onMessage(okhttp3.WebSocket webSocket, String text) {
            received++;
        }

        @Override
        public void onFailure(okhttp3.WebSocket webSocket, Throwable t, Response response) {
            open.completeExceptionally(t);
        }

        @Override
        public void roundTrip() throws IOException {
            long expected = received + 1;
            if (!ws.send(TEXT)) {
                throw new IOException("okhttp: send refused (closed or queue full)");
            }
            await(() -> received, expected, "okhttp");
        }

        @Override
        public void close() {
            ws.close(1000, null);
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
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

    private static SSLContext trustAllContext() throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, new TrustManager[] {trustAll()}, null);
        return ssl;
    }

    /** Trusts any certificate: for the benchmark's own self-signed loopback server only. */
    static X509TrustManager trustAll() {
        return new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
    }
}
