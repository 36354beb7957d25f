package dev.hardlight.netty.internal;

import dev.hardlight.EventEmitter;
import dev.hardlight.internal.protocol.ProtocolViolation;
import dev.hardlight.internal.protocol.ServerSession;
import dev.hardlight.service.ServiceDescriptor;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running HardLight server on Netty: one acceptor thread, a group of event loops for the
 * connections (busy-polling if configured), a virtual thread per call (unless the builder gave an
 * executor; methods marked non-blocking run on the event loop if configured). Every accepted TCP
 * connection passes the {@link ConnectionLimits} and the handshake timeout before it upgrades, and
 * the keepalive afterwards. It serves one or more {@link ServedService services}, each at its path
 * with its own handlers, settings and topics; the connections, limits, TLS, recordings and the
 * graceful shutdown are the server's, shared by all.
 *
 * <p>Thread-safe.
 */
public final class NettyServer {
    private static final Logger log = LoggerFactory.getLogger(NettyServer.class);
    private static final AtomicLong CONNECTION_IDS = new AtomicLong();

    /** Largest upgrade request (request line, headers, body) accepted. */
    /**
     * Outbound bytes queued on a connection above which the server stops reading it (a client that
     * does not read its answers sends no new calls), and below which it reads again.
     */
    static final int HIGH_WATER_MARK = 1024 * 1024;
    static final int LOW_WATER_MARK = 256 * 1024;
    /** How long {@link #close()} waits for connections to close after their close frames. */
    private static final long CLOSE_WAIT_MILLIS = 3_000;
    /** How often {@link #close()} looks whether the calls in flight have finished. */
    /** The GO_AWAY reason and close reason of a server shutdown. */
    static final String SHUTTING_DOWN = "server shutting down";
    /**
     * The payload of the ping sent right after GO_AWAY: its pong tells that the client has read the
     * GO_AWAY, so every call it sent before knowing is read by then (protocol.md 3.6).
     */
    static final byte[] GO_AWAY_PING = "hl-go-away".getBytes(StandardCharsets.US_ASCII);
    /** Connections whose client answered the ping after the GO_AWAY. */
    private final Set<ChannelOutbound> goAwaySeen = ConcurrentHashMap.newKeySet();

    private final ServerConfig config;
    private final EventLoopGroup acceptor;
    private final IoThreads workers;
    private final Executor executor;
    /** Where methods marked non-blocking run: inline on the event loop, or {@link #executor}. */
    private final Executor nonBlockingExecutor;
    private final ChannelGroup channels = new DefaultChannelGroup("hardlight", GlobalEventExecutor.INSTANCE);
    /** Upgraded connections and their sessions. */
    private final Map<ChannelOutbound, ServerSession<?>> connections = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ReentrantLock drainLock = new ReentrantLock();
    /** Signalled (under drainLock) when, during close, a connection answers its last call or closes. */
    private final Condition drained = drainLock.newCondition();
    /**
     * Set once the drain is over: the owned executor refuses calls from then on. Not at the start of
     * close: a call that arrives before its connection's GO_AWAY is accepted (and drained) normally.
     */
    private final AtomicBoolean executorClosed = new AtomicBoolean();
    private final ConnectionLimits limits;
    /** Bytes held in partly received messages over all connections (see ReceiveGuard). */
    private final AtomicLong partialMessageBytes = new AtomicLong();
    private final Channel serverChannel;
    /** The services by path, each with its own topics (in the order given). */
    private final Map<String, ServedService> services = new LinkedHashMap<>();

    private NettyServer(ServerConfig config) {
        this.config = config;
        for (Endpoint<?> e : config.endpoints()) {
            services.put(e.path(), new ServedService(e, config.compressionThreshold() >= 0));
        }
        this.limits = new ConnectionLimits(config.maxConnections(), config.maxConnectionsPerAddress(),
                config.maxHandshakesPerAddress());
        executor = config.executor() != null ? config.executor() : new VirtualThreadPerCall(executorClosed);
        nonBlockingExecutor = config.inlineNonBlocking() ? Runnable::run : executor;
        // Accepting is not on the path of a call: the acceptor sleeps when idle, busy polling or not.
        acceptor = Transports.newGroup(1, "hl-accept", false);
        workers = IoThreads.create(config.ioThreads(), config.busyPoll() ? "hl-server-spin" : "hl-server", false,
                config.busyPoll());
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(Transports.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(LOW_WATER_MARK, HIGH_WATER_MARK))
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        initConnection(ch);
                    }
                });
        ChannelFuture bind = config.host() == null ? b.bind(config.port()) : b.bind(config.host(), config.port());
        bind.awaitUninterruptibly();
        if (!bind.isSuccess()) {
            shutDownGroups();
            closeBus();
            String where = (config.host() == null ? "*" : config.host()) + ":" + config.port();
            throw new IllegalStateException("cannot bind " + where + ": " + bind.cause().getMessage(), bind.cause());
        }
        serverChannel = bind.channel();
    }

    /**
     * Binds and starts accepting.
     *
     * @throws IllegalStateException if the address cannot be bound
     */
    public static NettyServer start(ServerConfig config) {
        NettyServer server = new NettyServer(config);
        List<String> served = new ArrayList<>();
        for (ServedService s : server.services.values()) {
            served.add(s.toString());
        }
        log.info("HardLight server for {} listening on {} ({}, {}, {}, {} I/O threads{}{})", String.join(", ", served),
                describe(server.address()), config.sslContext() == null ? "PLAINTEXT" : "TLS",
                Transports.name(), config.sslContext() == null ? "no TLS" : TlsContexts.providerName(),
                server.workers.threads(), config.busyPoll() ? ", busy-polling" : "",
                config.inlineNonBlocking() ? ", non-blocking handlers inline" : "");
        return server;
    }

    private void initConnection(SocketChannel ch) {
        if (closed.get()) {
            ch.close();
            return;
        }
        InetSocketAddress remote = ch.remoteAddress();
        InetAddress address = remote == null ? null : remote.getAddress();
        String refusal = limits.admit(address);
        Runnable handshakeEnded = () -> {};
        if (refusal == null) {
            AtomicBoolean ended = new AtomicBoolean();
            handshakeEnded = () -> {
                if (ended.compareAndSet(false, true)) {
                    limits.handshakeEnded(address);
                }
            };
            Runnable end = handshakeEnded;
            ch.closeFuture().addListener(f -> {
                end.run();
                limits.release(address);
            });
        } else if (limits.startRefusal()) {
            ch.closeFuture().addListener(f -> limits.refusalDone());
        } else {
            ch.close(); // flooded: answering every refusal would cost a TLS handshake each
            return;
        }
        channels.add(ch);
        SslHandler tls = null;
        if (config.sslContext() != null) {
            tls = config.sslContext().newHandler(ch.alloc());
            // The upgrade handler's timer bounds TLS and HTTP together; this one must not cut it shorter.
            tls.setHandshakeTimeoutMillis(config.handshakeTimeout().toMillis());
        }
        long id = CONNECTION_IDS.incrementAndGet();
        TlsCloseTimer tlsClose = null;
        if (tls != null) {
            TlsCloseTimer.configure(tls);
            tlsClose = new TlsCloseTimer("[hl-conn " + id + " " + describe(remote) + "] ", closeWarnings);
        }
        Recorder recorder = config.recordings() == null ? null
                : config.recordings().open(id, remote, serviceDescriptors(), "[hl-conn " + id + " " + describe(remote) + "] ");
        Pipelines.server(ch.pipeline(), tls, tlsClose, recorder,
                config.compressionThreshold() >= 0 ? PerMessageDeflate.server(config.compressionThreshold(), config.largestMaxMessageSize()) : null,
                new ServerUpgradeHandler(this, id, remote, refusal, handshakeEnded));
    }

    /** At most 100 violation WARN lines per 10 s, server-wide; the rest at DEBUG with a count. */
    private final WarnLimiter violationWarnings = new WarnLimiter(100, 10_000_000_000L);
    /** The same bound for the lines of TLS closes that timed out (peers that read nothing). */
    private final WarnLimiter closeWarnings = new WarnLimiter(100, 10_000_000_000L);

    private final LongAdder refusedUpgrades = new LongAdder();
    private final LongAdder idleTimeouts = new LongAdder();

    void upgradeRefused() {
        refusedUpgrades.increment();
    }

    void idleTimedOut() {
        idleTimeouts.increment();
    }

    /** Upgrades answered with an HTTP error since the start. */
    public long refusedUpgrades() {
        return refusedUpgrades.sum();
    }

    /** Connections closed by the idle timeout since the start. */
    public long idleTimeouts() {
        return idleTimeouts.sum();
    }

    WarnLimiter violationWarnings() {
        return violationWarnings;
    }

    /** Bytes held in partly received messages (larger than 64 KiB) over all connections now. */
    AtomicLong partialMessageBytes() {
        return partialMessageBytes;
    }

    public ServerConfig config() {
        return config;
    }

    /** The descriptors of the services, for a recording's header (which names the one connected to). */
    private List<ServiceDescriptor<?>> serviceDescriptors() {
        List<ServiceDescriptor<?>> list = new ArrayList<>();
        for (ServedService s : services.values()) {
            list.add(s.endpoint().service());
        }
        return list;
    }

    /** Closes the cluster buses, if any; a failure is logged. */
    private void closeBus() {
        for (ServedService s : services.values()) {
            s.closeBus();
        }
    }

    /** The service at {@code path} (a request's path without its query), or {@code null}. */
    public ServedService service(String path) {
        return services.get(path);
    }

    /** Every service, in the order given. */
    public List<ServedService> services() {
        return List.copyOf(services.values());
    }

    /**
     * The event emitter of the one service whose events are of exactly {@code type}.
     *
     * @throws IllegalStateException if no service, or more than one, declares events of that type
     */
    public <E> EventEmitter<E> events(Class<E> type) {
        Objects.requireNonNull(type, "type");
        if (services.size() == 1) {
            return services.values().iterator().next().events(type);
        }
        ServedService found = null;
        for (ServedService s : services.values()) {
            if (s.emits(type)) {
                if (found != null) {
                    throw new IllegalStateException("both " + found + " and " + s + " declare events of " + type.getName()
                            + ": take the emitter of one with service(path)");
                }
                found = s;
            }
        }
        if (found == null) {
            throw new IllegalStateException("no service of this server declares events of " + type.getName()
                    + " (services: " + services.values() + ")");
        }
        return found.events(type);
    }

    /** Events refused by the slow-consumer policy, over all connections since the start. */
    public long droppedEvents() {
        return config.slowConsumer().dropped().sum();
    }

    /** The largest number of bytes queued unwritten on one connection now (for tests and operators). */
    public long maxQueuedBytes() {
        long max = 0;
        for (ChannelOutbound out : connections.keySet()) {
            max = Math.max(max, out.queuedBytes());
        }
        return max;
    }

    Executor executor() {
        return executor;
    }

    Executor nonBlockingExecutor() {
        return nonBlockingExecutor;
    }

    void opened(ChannelOutbound out, ServerSession<?> session, ServedService service) {
        session.onIdle(this::signalDrained);
        service.opened();
        connections.put(out, session);
        if (closed.get()) {
            out.close(ProtocolViolation.GOING_AWAY, "server shutting down");
        }
    }

    void closed(ChannelOutbound out, ServedService service) {
        if (connections.remove(out) != null) {
            service.closed();
        }
        goAwaySeen.remove(out);
        signalDrained();
    }

    /** The client of {@code out} answered the ping sent after the GO_AWAY. Event loop. */
    void goAwaySeen(ChannelOutbound out) {
        if (connections.containsKey(out)) {
            goAwaySeen.add(out);
            signalDrained();
        }
    }

    /** Connections refused by the connection limits since the start. */
    public long refusedConnections() {
        return limits.refused();
    }

    /** TCP connections counted against the connection limit now (upgraded or still in their handshake). */
    public int acceptedConnections() {
        return limits.open();
    }

    /** Upgraded connections currently open. */
    public int connectionCount() {
        return connections.size();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /**
     * Graceful shutdown: stops accepting, sends GO_AWAY and then a ping on every open connection (new
     * calls are answered UNAVAILABLE, unrun, from then on), waits until every connection has no call in
     * flight and its client answered that ping (so it has read the GO_AWAY: protocol.md 3.6), or the
     * drain timeout has passed, answers the calls still running ABORTED and interrupts their handlers,
     * closes every connection with 1001, waits up to a few seconds for
     * the connections to close, then stops the event loops and the owned handler executor. Blocks
     * until done, bounded (drain timeout plus a few seconds); idempotent.
     */
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        serverChannel.close().awaitUninterruptibly(CLOSE_WAIT_MILLIS);
        for (Channel ch : channels) {
            if (!Pipelines.isOpen(ch)) {
                ch.close(); // not upgraded (yet): no WebSocket to say goodbye on
            }
        }
        for (Map.Entry<ChannelOutbound, ServerSession<?>> c : connections.entrySet()) {
            if (!c.getKey().isClosing()) {
                c.getValue().goAway(SHUTTING_DOWN); // thread-safe: queued on the connection's write queue
                c.getKey().pingAfterQueued(GO_AWAY_PING);
            }
        }
        drain(start + config.drainTimeout().toNanos());
        executorClosed.set(true);
        for (ServerSession<?> session : connections.values()) {
            // Past the drain timeout: answered before the close frame, so the client never takes them for unrun.
            session.abortCalls("the server shut down while the call ran (drain timeout "
                    + config.drainTimeout().toMillis() + " ms): it may have run in part");
        }
        for (ChannelOutbound out : connections.keySet()) {
            out.close(ProtocolViolation.GOING_AWAY, SHUTTING_DOWN);
        }
        if (!channels.newCloseFuture().awaitUninterruptibly(CLOSE_WAIT_MILLIS)) {
            log.warn("{} connections did not close within {} ms, closing them", channels.size(), CLOSE_WAIT_MILLIS);
            channels.close().awaitUninterruptibly(CLOSE_WAIT_MILLIS);
        }
        shutDownGroups();
        closeBus();
        log.info("HardLight server on {} closed", describe(serverChannel.localAddress()));
    }

    /**
     * Waits until no call is in flight on any open connection, or {@code deadlineNanos} passes. A
     * session that answers its last call, or a connection that closes, signals {@code drained}; new
     * calls cannot keep it waiting (after the GO_AWAY each is refused at once).
     */
    private void drain(long deadlineNanos) {
        drainLock.lock();
        try {
            while (true) {
                int busy = 0;
                int calls = 0;
                for (Map.Entry<ChannelOutbound, ServerSession<?>> c : connections.entrySet()) {
                    int n = c.getValue().inFlight();
                    boolean unseen = !goAwaySeen.contains(c.getKey()) && c.getValue().goAwayReason() != null;
                    if ((n > 0 || unseen) && !c.getKey().isClosing()) {
                        busy++;
                        calls += n;
                    }
                }
                if (busy == 0) {
                    return;
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    log.info("{} calls on {} connections still running (or the GO_AWAY not acknowledged) after the drain "
                            + "timeout of {} ms; closing anyway (their handlers are interrupted)", calls, busy,
                            config.drainTimeout().toMillis());
                    return;
                }
                try {
                    drained.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // shut down anyway, quickly
                    return;
                }
            }
        } finally {
            drainLock.unlock();
        }
    }

    /** A connection answered its last call, or closed: a drain in progress looks again. Any thread. */
    private void signalDrained() {
        if (!closed.get()) {
            return; // no drain before close()
        }
        drainLock.lock();
        try {
            drained.signalAll();
        } finally {
            drainLock.unlock();
        }
    }

    private void shutDownGroups() {
        acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        acceptor.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /**
     * The default handler executor: a new virtual thread per call, without the bookkeeping of an
     * {@code ExecutorService} (a closing connection interrupts its own handlers). Refuses work once
     * the server is closed.
     */
    private static final class VirtualThreadPerCall implements Executor {
        private final ThreadFactory threads = Thread.ofVirtual().name("hl-call-", 0).factory();
        private final AtomicBoolean closed;

        VirtualThreadPerCall(AtomicBoolean closed) {
            this.closed = closed;
        }

        @Override
        public void execute(Runnable task) {
            if (closed.get()) {
                throw new RejectedExecutionException("the server is closed");
            }
            threads.newThread(task).start();
        }
    }

    /** "host:port" of a socket address (numeric host), for log lines. */
    static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress a) {
            String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
        }
        return String.valueOf(address);
    }
}
