package dev.hardlight.netty.internal;

import dev.hardlight.RpcException;
import dev.hardlight.EventListener;
import dev.hardlight.EventStream;
import dev.hardlight.StateListener;
import dev.hardlight.Status;
import dev.hardlight.internal.protocol.ClientSession;
import dev.hardlight.internal.protocol.Frames;
import dev.hardlight.internal.protocol.ProtocolViolation;
import dev.hardlight.internal.protocol.Timer;
import dev.hardlight.service.ArgumentWriter;
import dev.hardlight.service.MethodDescriptor;
import dev.hardlight.service.RpcChannel;
import dev.hardlight.service.ServiceDescriptor;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client connection: an {@link RpcChannel} over one TLS WebSocket, driving a {@link ClientSession}.
 * Calls are encoded on the caller's thread and written through the connection's write queue;
 * answers are decoded on the connection's event loop (of the group its options chose). Once open, a {@link KeepAliveHandler} pings a
 * silent server and gives the connection up (CONNECTION_LOST) after the idle timeout.
 *
 * <p>Thread-safe.
 */
public final class NettyRpcChannel implements RpcChannel {
    private static final Logger log = LoggerFactory.getLogger(NettyRpcChannel.class);
    private static final AtomicLong IDS = new AtomicLong();

    /** The largest message a client accepts from a server. */
    public static final int MAX_MESSAGE_SIZE = 16 * 1024 * 1024;
    /** The largest refusal answer (headers and body) read during the upgrade. */
    private static final int MAX_UPGRADE_RESPONSE = 16 * 1024;
    /** How long the WebSocket layer waits for the server's close frame before closing the TCP connection. */
    private static final long FORCE_CLOSE_MILLIS = 10_000;
    /** How long {@link #close()} waits for the channel to close. */
    private static final long CLOSE_WAIT_MILLIS = 2_000;

    private final ClientConfig config;
    private final String host;
    private final int port;
    private final String logPrefix;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    // Set on the event loop in init(), before anything can complete 'ready'.
    private volatile Channel channel;
    private volatile ChannelOutbound out;
    private volatile ClientSession session;
    private volatile String stage = "TCP connect";
    private volatile RpcException failure;
    private volatile boolean closedByClient;
    /** Why the keepalive gave the connection up, or null. */
    private volatile String idle;
    /** The keepalive, once open (event loop). */
    private volatile KeepAliveHandler keepAlive;
    private boolean closeNotified; // event loop only
    /** The reconnecting client this connection serves, or {@code null} for a plain one. */
    private final Owner owner;
    /** Whether {@link Owner#ready} was called (event loop only). */
    private boolean ownerReady;

    /**
     * The client that owns a connection and outlives it ({@link ReconnectingChannel}). Its methods are
     * called on the connection's event loop.
     */
    interface Owner {
        /** The event queue shared by the owner's connections. */
        dev.hardlight.internal.protocol.ClientEventQueue sharedEvents();

        /** The connection's hello was handled; called before any later frame. */
        void ready(NettyRpcChannel link);

        /** The connection, once ready, is gone; called before its pending calls fail. */
        void lost(NettyRpcChannel link, RpcException reason);

        /** The server sent GO_AWAY: the connection takes no new calls and will close. */
        void goingAway(NettyRpcChannel link);
    }

    private NettyRpcChannel(ClientConfig config, String host, int port, Owner owner) {
        this.owner = owner;
        this.config = config;
        this.host = host;
        this.port = port;
        this.logPrefix = "[hl-client " + IDS.incrementAndGet() + " " + target() + "] ";
    }

    /**
     * Connects, then waits for TLS, the upgrade and the server's hello, all within the connect timeout.
     *
     * @throws RpcException UNAVAILABLE when the server cannot be reached, TLS fails or the time is up;
     *     the status matching the HTTP answer when the server refuses the upgrade; INCOMPATIBLE when it
     *     serves another service; CANCELLED when the thread is interrupted
     */
    public static NettyRpcChannel connect(ClientConfig config) {
        return connect(config, null);
    }

    /** {@link #connect(ClientConfig)} for a client that owns its connections and reconnects. */
    static NettyRpcChannel connect(ClientConfig config, Owner owner) {
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
        NettyRpcChannel c = new NettyRpcChannel(config, host, port, owner);
        if (config.trustMode() == TrustMode.TRUST_ALL) {
            log.warn("{}insecureTrustAll: the server's certificate is NOT checked; anyone on the network path can "
                    + "read and change this connection. Pin the server's fingerprint instead.", c.logPrefix);
        } else if (!tls) {
            log.warn("{}insecurePlaintext: this connection is not encrypted", c.logPrefix);
        }
        c.start();
        return c;
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
        ChannelFuture connect = config.localBinding() == null ? b.connect(new InetSocketAddress(address, port))
                : b.connect(new InetSocketAddress(address, port), config.localBinding().bindAddressFor(address, target()));
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                fail(new RpcException(Status.UNAVAILABLE, "cannot connect to " + target() + ": " + describe(f.cause()), f.cause()));
                channelClosed(null, null); // never active: no channelInactive will come
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
        if (t instanceof java.net.ConnectException && String.valueOf(t.getMessage()).contains("refused")) {
            return "connection refused";
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    /** Builds the pipeline; event loop, once, before the channel connects. */
    private void init(Channel ch) {
        channel = ch;
        out = new ChannelOutbound(ch, true);
        session = owner == null
                ? new ClientSession(config.service(), out, config.maxInFlight(), config.eventQueueCapacity(),
                        eventLoopTimer(ch), config.defaultDeadline(), logPrefix)
                : new ClientSession(config.service(), out, config.maxInFlight(), owner.sharedEvents(),
                        eventLoopTimer(ch), config.defaultDeadline(), logPrefix);
        if (owner != null) {
            // runs on the event loop as the hello completes it, before any later frame is handled
            session.ready().thenRun(() -> {
                ownerReady = true;
                owner.ready(this);
            });
        }
        session.ready().whenComplete((hello, e) -> {
            if (e == null) {
                ready.complete(null);
            } else {
                ready.completeExceptionally(e);
            }
        });
        ChannelPipeline p = ch.pipeline();
        if (config.sslContext() != null) {
            SslHandler tls = config.sslContext().newHandler(ch.alloc(), host, port);
            // The connect timeout (start()) bounds the handshake and says so; the handler's own timer
            // is only a backstop well after it (at the same time, it won the race now and then).
            tls.setHandshakeTimeoutMillis(2 * config.connectTimeout().toMillis() + 1_000);
            p.addLast("tls", tls);
        }
        if (config.recording() != null) {
            p.addLast("hl-record", Recorder.client(config.recording(), config.uri(), config.service(), logPrefix));
        }
        URI uri = config.uri();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/hl" : uri.getRawPath();
        URI target = URI.create((config.sslContext() != null ? "wss://" : "ws://") + uri.getRawAuthority() + path
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        DefaultHttpHeaders headers = new DefaultHttpHeaders();
        for (java.util.Map.Entry<String, String> h : config.headers()) {
            headers.add(h.getKey(), h.getValue());
        }
        // Not a browser: no Origin header unless the application sets one.
        WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(target, WebSocketVersion.V13,
                Frames.SUBPROTOCOL, config.compressionThreshold() >= 0, headers, MAX_MESSAGE_SIZE, true, false, FORCE_CLOSE_MILLIS, false, false);
        p.addLast("http", new HttpClientCodec());
        p.addLast("http-aggregator", new HttpObjectAggregator(MAX_UPGRADE_RESPONSE));
        if (config.compressionThreshold() >= 0) {
            p.addLast("hl-compression", Compression.client(config.compressionThreshold(), MAX_MESSAGE_SIZE));
        }
        p.addLast("hl-upgrade", new ClientUpgradeHandler(this, handshaker));
    }

    /**
     * Deadlines run on the connection's event loop: a deadline task is a scheduled task of the loop,
     * cancelled when the answer arrives. Once the loop is shut down, the channel is gone and
     * {@code channelClosed} fails every call; a task that cannot be scheduled is not needed then.
     */
    private static Timer eventLoopTimer(Channel ch) {
        return (task, delay) -> {
            long nanos = Math.max(0, saturatedNanos(delay));
            io.netty.util.concurrent.ScheduledFuture<?> f;
            try {
                f = ch.eventLoop().schedule(task, nanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                return () -> {};
            }
            return () -> f.cancel(false);
        };
    }

    /** {@code d} in nanoseconds; one too long for a long is far in the future (or long past, if negative). */
    static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? 0 : Long.MAX_VALUE / 2;
        }
    }

    // ---- for the handlers (event loop) --------------------------------------------------------

    String target() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    String logPrefix() {
        return logPrefix;
    }

    ChannelOutbound outbound() {
        return out;
    }

    /** The server's hello, once the channel is ready ({@code null} before). */
    public dev.hardlight.internal.protocol.Hello hello() {
        return session.ready().getNow(null);
    }

    ClientSession session() {
        return session;
    }

    /** The keepalive of the open connection: on a silent server, closes the channel without a close handshake. */
    KeepAliveHandler newKeepAlive() {
        KeepAliveHandler k = new KeepAliveHandler(config.keepAlive(), out, () -> {
            idle = "no data from the server for " + config.keepAlive().describeIdleTimeout();
            log.debug("{}{}, closing", logPrefix, idle);
            channel.close();
        });
        keepAlive = k;
        return k;
    }

    void stage(String stage) {
        this.stage = stage;
    }

    String stage() {
        return stage;
    }

    /** The server's GO_AWAY was handled (event loop). */
    void goingAway() {
        if (owner != null && ownerReady) {
            owner.goingAway(this);
        }
    }

    /** Records the first failure of the connection attempt and closes the channel. */
    void fail(RpcException e) {
        if (failure == null && !ready.isDone()) {
            failure = e;
        }
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }

    /**
     * The channel is closed: every pending call fails, later calls fail fast. Idempotent.
     *
     * @param peerClose the server's close code and reason, if it sent one
     * @param violation the close code and reason this client sent because the server broke the protocol
     */
    void channelClosed(String peerClose, String violation) {
        if (closeNotified) {
            return;
        }
        closeNotified = true;
        RpcException reason;
        if (!ready.isDone()) {
            String hint = config.sslContext() == null && "WebSocket upgrade".equals(stage)
                    ? " (a TLS server? use wss://)" : "";
            reason = failure != null ? failure : new RpcException(Status.UNAVAILABLE, "the connection to " + target()
                    + " closed during the " + stage + (peerClose == null ? "" : " (close " + peerClose + ")") + hint);
        } else if (idle != null && !closedByClient) {
            reason = new RpcException(Status.CONNECTION_LOST, "the connection to " + target() + " was lost: " + idle);
        } else if (violation != null) {
            reason = new RpcException(Status.CONNECTION_LOST, "the connection to " + target()
                    + " was closed by this client: the server broke the protocol (" + violation + ")");
        } else if (shutdownExplanation(peerClose) != null && !closedByClient) {
            reason = new RpcException(Status.CONNECTION_LOST, "the connection to " + target() + " was lost: "
                    + shutdownExplanation(peerClose));
            log.debug("{}{}", logPrefix, reason.getMessage());
        } else if (closedByClient) {
            reason = new RpcException(Status.CONNECTION_LOST, "the connection to " + target() + " was closed by this client");
        } else {
            reason = new RpcException(Status.CONNECTION_LOST, "the connection to " + target() + " was lost"
                    + (peerClose == null ? "" : ": the server closed it (" + peerClose + ")"));
            log.debug("{}{}", logPrefix, reason.getMessage());
        }
        ClientSession s = session;
        if (owner != null && ownerReady) {
            owner.lost(this, reason);
        }
        if (s != null) {
            s.onClosed(reason);
        } else {
            ready.completeExceptionally(reason);
        }
    }

    /**
     * Why the server closed the connection, if it did so because it shut down: it sent GO_AWAY, or
     * closed with 1001. {@code null} otherwise.
     */
    private String shutdownExplanation(String peerClose) {
        ClientSession s = session;
        String goAway = s == null ? null : s.goAwayReason();
        boolean goingAway = peerClose != null && peerClose.startsWith(ProtocolViolation.GOING_AWAY + "");
        if (goAway == null && !goingAway) {
            return null;
        }
        StringBuilder b = new StringBuilder("the server shut down");
        if (goAway != null) {
            b.append(" (").append(goAway).append(")");
        }
        b.append(" before the call completed; it may or may not have run");
        b.append(peerClose == null ? " (the connection closed without a close frame)" : " (close " + peerClose + ")");
        return b.toString();
    }

    // ---- RpcChannel ---------------------------------------------------------------------------

    @Override
    public ServiceDescriptor<?> service() {
        return config.service();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> R call(MethodDescriptor<R> method, ArgumentWriter args, Duration deadline) throws Exception {
        checkNotOnAnIoThread(method);
        // With a deadline, the session completes the call when it passes (on the event loop): get()
        // never waits longer than the deadline.
        return (R) await(session.start(method, args, deadline), method);
    }

    /**
     * Waits for a call's answer: its value, or its failure as thrown by the server's handler (a declared
     * exception) or as an {@link RpcException}; interrupting the wait cancels the call (CANCELLED).
     */
    static Object await(ClientSession.PendingCall call, MethodDescriptor<?> method) throws Exception {
        try {
            return call.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new RpcException(Status.UNKNOWN, String.valueOf(cause), cause);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new RpcException(Status.CANCELLED, "interrupted while waiting for the result of " + method.name());
        } catch (CancellationException e) {
            throw new RpcException(Status.CANCELLED, "the call of " + method.name() + " was cancelled");
        }
    }

    /**
     * A blocking call on a Netty I/O thread would stall every connection of that thread, and wait for
     * ever when the answer must be read by that very thread: from a client's state, event or connection
     * listener (the client's own thread), or from a server handler run inline ({@code @NonBlocking})
     * that calls a service on the same event loop. Refuse it instead.
     */
    static void checkNotOnAnIoThread(MethodDescriptor<?> method) {
        if (io.netty.util.internal.ThreadExecutorMap.currentExecutor() != null) {
            throw new IllegalStateException("blocking call of " + method.name() + " on a Netty I/O thread would stall it, "
                    + "and wait forever for an answer only this thread can read: use " + method.name()
                    + "Async (callAsync) from listeners and non-blocking handlers");
        }
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <R> CompletableFuture<R> callAsync(MethodDescriptor<R> method, ArgumentWriter args, Duration deadline) {
        try {
            return (CompletableFuture) session.start(method, args, deadline);
        } catch (RpcException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * For tests: the reason of the server's GO_AWAY, or {@code null} if it sent none. Not part of the API.
     */
    public String goAwayReason() {
        return session.goAwayReason();
    }

    /**
     * The features enabled on this connection ({@code @Requires}), as the server last announced them:
     * the first set in its hello, then every change, which arrives before the result of the call that
     * made it. A call to a method whose feature is missing fails locally with
     * {@code PERMISSION_DENIED}, without being sent. Empty before the connection is ready.
     */
    public java.util.Set<String> features() {
        return java.util.Collections.unmodifiableSet(session.features());
    }

    @Override
    public Object state() {
        return session.state();
    }

    @Override
    public void addStateListener(StateListener<Object> listener) {
        session.addStateListener(listener);
    }

    @Override
    public void removeStateListener(StateListener<Object> listener) {
        session.removeStateListener(listener);
    }

    @Override
    public EventStream<Object> events() {
        return session.events();
    }

    @Override
    public void addEventListener(EventListener<Object> listener) {
        session.addEventListener(listener);
    }

    @Override
    public void removeEventListener(EventListener<Object> listener) {
        session.removeEventListener(listener);
    }

    @Override
    public boolean isOpen() {
        return ready.isDone() && !ready.isCompletedExceptionally() && out.isOpen();
    }

    /**
     * Sends a normal close (1000) and closes the connection; pending calls fail with CONNECTION_LOST.
     * Waits up to two seconds for the channel to close, unless called on its event loop.
     */
    @Override
    public void close() {
        Channel ch = channel;
        if (ch == null) {
            return;
        }
        closedByClient = true;
        out.close(ProtocolViolation.NORMAL, "closed by the client");
        if (!ch.eventLoop().inEventLoop()) {
            ch.closeFuture().awaitUninterruptibly(CLOSE_WAIT_MILLIS);
        }
    }

    /** Runs {@code task} on this connection's event loop after {@code nanos}; nothing once the loop is shut down. */
    void schedule(Runnable task, long nanos) {
        try {
            channel.eventLoop().schedule(task, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the shared client loops never shut down; a private group closing takes its channels along
        }
    }

    /** For tests: the WebSocket pings this client has sent (0 before the connection is open). Not part of the API. */
    public long pingsSent() {
        KeepAliveHandler k = keepAlive;
        return k == null ? 0 : k.pingsSent();
    }

    /**
     * For tests: stops (or resumes) reading from the socket, as a client that does not keep up would.
     * Not part of the API.
     */
    public void autoRead(boolean read) {
        Channel ch = channel;
        if (ch != null) {
            ch.config().setAutoRead(read);
            if (read) {
                ch.read();
            }
        }
    }

    /**
     * For tests: drops the TCP connection without a WebSocket close handshake, as a crashed client
     * would; with {@code reset}, with a TCP reset (SO_LINGER 0), as a killed process or a cut network
     * would. Not part of the API.
     */
    public void closeAbruptly(boolean reset) {
        Channel ch = channel;
        if (ch != null) {
            if (reset) {
                ch.config().setOption(ChannelOption.SO_LINGER, 0);
            }
            ch.close().awaitUninterruptibly(CLOSE_WAIT_MILLIS);
        }
    }

    @Override
    public String toString() {
        return "RpcChannel[" + target() + " " + config.service().name() + (isOpen() ? " open" : " closed") + "]";
    }
}
