package dev.hardlight.netty.internal;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.internal.protocol.ClientEventQueue;
import dev.hardlight.internal.protocol.Frames;
import dev.hardlight.internal.protocol.Hello;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslHandler;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt to open a client connection: resolves the host, bootstraps the channel, lays out its
 * pipeline ({@link Pipelines#client}), and waits for TCP, TLS, the upgrade and the server's hello,
 * all within the connect timeout; a failure names the stage it happened in.
 *
 * <p>Thread rule: {@link #connect} runs on the connecting thread, which waits; the stage and the
 * failure are written on the channel's event loop (by the upgrade handler) and are volatile.
 */
public final class ClientConnector {
    private static final Logger log = LoggerFactory.getLogger(ClientConnector.class);
    private static final AtomicLong IDS = new AtomicLong();
    /** How long the WebSocket layer waits for the server's close frame before closing the TCP connection. */
    private static final long FORCE_CLOSE_MILLIS = 10_000;

    private final ClientConfig config;
    private final String host;
    private final int port;
    private final String logPrefix;
    private final ClientEventQueue events;
    private final LinkListener listener;
    /** Completes when the hello is handled, or fails with why the attempt failed. */
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile String stage = "TCP connect";
    private volatile RpcException failure;
    /** Set on the event loop in init(), before anything can complete {@code ready}. */
    private volatile NettyRpcChannel link;

    private ClientConnector(ClientConfig config, String host, int port, ClientEventQueue events, LinkListener listener) {
        this.config = config;
        this.host = host;
        this.port = port;
        this.events = events;
        this.listener = listener;
        this.logPrefix = "[hl-client " + IDS.incrementAndGet() + " " + target() + "] ";
    }

    /**
     * Connects, then waits for TLS, the upgrade and the server's hello, all within the connect timeout.
     *
     * @param events the event queue of the client, which outlives its connections
     * @param listener told of the link's life once it is ready
     * @throws RpcException UNAVAILABLE when the server cannot be reached, TLS fails or the time is up;
     *     the status matching the HTTP answer when the server refuses the upgrade; INCOMPATIBLE when it
     *     serves another service; CANCELLED when the thread is interrupted
     */
    static NettyRpcChannel connect(ClientConfig config, ClientEventQueue events, LinkListener listener) {
        URI uri = config.uri();
        String host = uri.getHost();
        if (host == null) {
            throw new IllegalArgumentException("uri: " + uri + " (expected: a host, as in wss://host:port/hl)");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        boolean tls = config.sslContext() != null;
        int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
        ClientConnector c = new ClientConnector(config, host, port, events, listener);
        if (config.trustMode() == TrustMode.TRUST_ALL) {
            log.warn("{}insecureTrustAll: the server's certificate is NOT checked; anyone on the network path can "
                    + "read and change this connection. Pin the server's fingerprint instead.", c.logPrefix);
        } else if (!tls) {
            log.warn("{}insecurePlaintext: this connection is not encrypted", c.logPrefix);
        }
        c.start();
        return c.link;
    }

    /**
     * Connects as {@link #connect} does, takes the server's hello and closes the connection: for tools
     * that learn the contract from the server ({@code HardLight.hello}).
     */
    public static Hello probe(ClientConfig config) {
        NettyRpcChannel link = connect(config, new ClientEventQueue(1), new LinkListener() {
            @Override
            public void ready(NettyRpcChannel link) {}

            @Override
            public void lost(NettyRpcChannel link, RpcException reason) {}

            @Override
            public void goingAway(NettyRpcChannel link) {}
        });
        try {
            return link.hello();
        } finally {
            link.close();
        }
    }

    private void start() {
        long deadline = System.nanoTime() + config.connectTimeout().toNanos();
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new RpcException(Status.UNAVAILABLE, "cannot connect to " + target() + ": unknown host", e);
        }
        Bootstrap b = new Bootstrap()
                .group(config.ioThreads())
                .channel(Transports.clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        init(ch);
                    }
                });
        InetSocketAddress remote = new InetSocketAddress(address, port);
        ChannelFuture connect = config.localBinding() == null ? b.connect(remote)
                : b.connect(remote, config.localBinding().bindAddressFor(address, target()));
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                fail(new RpcException(Status.UNAVAILABLE, "cannot connect to " + target() + ": " + describe(f.cause()), f.cause()));
                closed(); // never active: no channelInactive will come
            }
        });
        try {
            ready.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            RpcException timeout = new RpcException(Status.UNAVAILABLE, "cannot connect to " + target() + ": no answer within "
                    + config.connectTimeout().toMillis() + " ms (during the " + stage + ")");
            fail(timeout);
            closeUnlessNeverRegistered(connect.channel());
            throw timeout;
        } catch (InterruptedException e) {
            closeUnlessNeverRegistered(connect.channel());
            Thread.currentThread().interrupt();
            throw new RpcException(Status.CANCELLED, "interrupted while connecting to " + target());
        } catch (ExecutionException e) {
            closeUnlessNeverRegistered(connect.channel());
            Throwable cause = e.getCause();
            if (cause instanceof RpcException r) {
                throw new RpcException(r.status(), r.getMessage(), r);
            }
            throw new RpcException(Status.UNAVAILABLE, "cannot connect to " + target() + ": " + cause, cause);
        }
        log.debug("{}connected", logPrefix);
    }

    /** Makes the link and lays out the pipeline; event loop, once, before the channel connects. */
    private void init(Channel ch) {
        NettyRpcChannel l = new NettyRpcChannel(config, ch, this, events, listener, logPrefix, target());
        link = l;
        l.session().ready().whenComplete((hello, e) -> {
            if (e == null) {
                try {
                    l.helloHandled();
                } finally {
                    ready.complete(null);
                }
            } else {
                ready.completeExceptionally(e);
            }
        });
        SslHandler tls = null;
        if (config.sslContext() != null) {
            tls = config.sslContext().newHandler(ch.alloc(), host, port);
            // The connect timeout (start()) bounds the handshake and says so; the handler's own timer
            // is only a backstop well after it (at the same time, it won the race now and then).
            tls.setHandshakeTimeoutMillis(2 * config.connectTimeout().toMillis() + 1_000);
        }
        Recorder recorder = config.recording() == null ? null
                : Recorder.client(config.recording(), config.uri(), config.service(), logPrefix);
        boolean compression = config.compressionThreshold() >= 0;
        Pipelines.client(ch.pipeline(), tls, recorder,
                compression ? PerMessageDeflate.client(config.compressionThreshold(), NettyRpcChannel.MAX_MESSAGE_SIZE) : null,
                new ClientUpgradeHandler(this, l, handshaker(compression)));
    }

    private WebSocketClientHandshaker handshaker(boolean compression) {
        URI uri = config.uri();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/hl" : uri.getRawPath();
        URI target = URI.create((config.sslContext() != null ? "wss://" : "ws://") + uri.getRawAuthority() + path
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        DefaultHttpHeaders headers = new DefaultHttpHeaders();
        for (Map.Entry<String, String> h : config.headers()) {
            headers.add(h.getKey(), h.getValue());
        }
        // Not a browser: no Origin header unless the application sets one.
        return WebSocketClientHandshakerFactory.newHandshaker(target, WebSocketVersion.V13, Frames.SUBPROTOCOL,
                compression, headers, NettyRpcChannel.MAX_MESSAGE_SIZE, true, false, FORCE_CLOSE_MILLIS, false, false);
    }

    /**
     * Closes a channel that failed to connect. One whose registration was refused (a closed
     * {@code ClientGroup}) has no event loop to close it through, and was closed by the bootstrap.
     */
    private static void closeUnlessNeverRegistered(Channel ch) {
        try {
            ch.eventLoop();
        } catch (IllegalStateException neverRegistered) {
            return;
        }
        ch.close();
    }

    private static String describe(Throwable t) {
        if (t instanceof ConnectException && String.valueOf(t.getMessage()).contains("refused")) {
            return "connection refused";
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    // ---- for the upgrade handler and the link (event loop) ------------------------------------

    String target() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    void stage(String stage) {
        this.stage = stage;
    }

    String stage() {
        return stage;
    }

    /** Whether the attempt is over, either way. */
    boolean isDone() {
        return ready.isDone();
    }

    /** Records the first failure of the attempt and closes the channel. */
    void fail(RpcException e) {
        if (failure == null && !ready.isDone()) {
            failure = e;
        }
        NettyRpcChannel l = link;
        if (l != null) {
            l.closeChannel();
        }
    }

    /** Why the attempt failed, once the channel closed before the hello: the first failure, or the stage it closed in. */
    RpcException closedBeforeReady(String peerClose) {
        RpcException f = failure;
        if (f != null) {
            return f;
        }
        String hint = config.sslContext() == null && "WebSocket upgrade".equals(stage) ? " (a TLS server? use wss://)" : "";
        return new RpcException(Status.UNAVAILABLE, "the connection to " + target() + " closed during the " + stage
                + (peerClose == null ? "" : " (close " + peerClose + ")") + hint);
    }

    /** The channel closed before it was ever active (event loop). */
    private void closed() {
        NettyRpcChannel l = link;
        if (l != null) {
            l.channelClosed(null, null);
        } else {
            ready.completeExceptionally(closedBeforeReady(null));
        }
    }
}
