package dev.hardlight.netty;

import dev.hardlight.Authenticator;
import dev.hardlight.ClusterBus;
import dev.hardlight.Nullable;
import dev.hardlight.ServerInterceptor;
import dev.hardlight.TopicListener;
import dev.hardlight.internal.protocol.InFlight;
import dev.hardlight.netty.internal.OriginPolicy;
import dev.hardlight.netty.internal.RecordingFormat;
import dev.hardlight.netty.internal.StaticFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * How a server serves, apart from what it serves: TLS, address, limits, timeouts, compression,
 * recording, threads. Immutable and thread-safe; make one with {@link #builder()}, change a copy with
 * {@link #toBuilder()}, and give it to {@link ServerBuilder#options(ServerOptions)}, or set the same
 * settings on the {@link ServerBuilder} one by one. {@link ServerBuilder#start()} requires TLS
 * ({@link Builder#tls(Tls)}) or an explicit {@link Builder#insecurePlaintext()}.
 */
public final class ServerOptions {
    /** Default of {@link Builder#path(String)}. */
    public static final String DEFAULT_PATH = "/hl";
    /** Default of {@link Builder#maxInFlight(int)}: calls in flight per connection. */
    public static final int DEFAULT_MAX_IN_FLIGHT = InFlight.DEFAULT;
    /** Default of {@link Builder#maxMessageSize(int)}: 1 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 1024 * 1024;
    /** Smallest accepted {@link Builder#maxMessageSize(int)}: 1 KiB. */
    public static final int MIN_MESSAGE_SIZE = 1024;
    /** Largest accepted {@link Builder#maxMessageSize(int)}: 64 MiB. */
    public static final int MAX_MESSAGE_SIZE = 64 * 1024 * 1024;
    /** Default of {@link Builder#outboundHighWaterMark(int)}: 1 MiB. */
    public static final int DEFAULT_OUTBOUND_HIGH_WATER_MARK = 1024 * 1024;
    /** Default of {@link Builder#handshakeTimeout(Duration)}: 10 seconds from TCP accept to a complete upgrade. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** Default of {@link Builder#maxConnections(int)}: TCP connections open at once. */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    /** Default of {@link Builder#messageReceiveTimeout(Duration)}: 30 seconds for a message to arrive once started. */
    public static final Duration DEFAULT_MESSAGE_RECEIVE_TIMEOUT = Duration.ofSeconds(30);
    /** Default of {@link Builder#partialMessageBudget(long)}: 64 MiB held in partly received messages, server-wide. */
    public static final long DEFAULT_PARTIAL_MESSAGE_BUDGET = 64L * 1024 * 1024;
    /** Default of {@link Builder#maxHandshakesPerAddress(int)}: connections from one address still in TLS or the upgrade. */
    public static final int DEFAULT_MAX_HANDSHAKES_PER_ADDRESS = 64;
    /** Default of {@link Builder#drainTimeout(Duration)}: 10 seconds for the calls in flight to finish at shutdown. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
    /** Default cap of each file of {@link Builder#record(Path)}: 64 MiB. */
    public static final long DEFAULT_RECORD_MAX_BYTES_PER_CONNECTION = 64L * 1024 * 1024;
    /** Default cap of all the files of {@link Builder#record(Path)} together: 1 GiB. */
    public static final long DEFAULT_RECORD_MAX_TOTAL_BYTES = 1024L * 1024 * 1024;
    /** Default of {@link Builder#ioThreads(int)} with {@link Builder#busyPoll(boolean) busy polling}: one spinning thread. */
    public static final int DEFAULT_BUSY_POLL_IO_THREADS = 1;

    private final Values v;

    private ServerOptions(Values v) {
        this.v = v;
    }

    /** Checks a message size limit (server or service): {@value #MIN_MESSAGE_SIZE} to {@value #MAX_MESSAGE_SIZE}. */
    static int checkMaxMessageSize(int maxMessageSize) {
        if (maxMessageSize < MIN_MESSAGE_SIZE || maxMessageSize > MAX_MESSAGE_SIZE) {
            throw new IllegalArgumentException("maxMessageSize: " + maxMessageSize
                    + " (expected: " + MIN_MESSAGE_SIZE + ".." + MAX_MESSAGE_SIZE + ")");
        }
        return maxMessageSize;
    }

    /** A builder with the defaults (no TLS chosen yet, every interface, a free port, {@value #DEFAULT_PATH}). */
    public static Builder builder() {
        return new Builder(new Values());
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        return new Builder(v.copy());
    }

    /** The server's TLS identity ({@link Builder#tls(Tls)}), or {@code null}. */
    public Tls tls() {
        return v.tls;
    }

    /** Whether the server serves without TLS ({@link Builder#insecurePlaintext()}). */
    public boolean isInsecurePlaintext() {
        return v.plaintext;
    }

    /** The host to listen on ({@link Builder#bind(String, int)}), or {@code null} for every interface. */
    public String host() {
        return v.host;
    }

    /** The port to listen on; 0 picks a free one. */
    public int port() {
        return v.port;
    }

    /** The HTTP path of the WebSocket endpoint ({@link Builder#path(String)}). */
    public String path() {
        return v.path;
    }

    /** The most calls one connection may have in flight ({@link Builder#maxInFlight(int)}). */
    public int maxInFlight() {
        return v.maxInFlight;
    }

    /** The largest message a client may send ({@link Builder#maxMessageSize(int)}). */
    public int maxMessageSize() {
        return v.maxMessageSize;
    }

    /** Where handler methods run ({@link Builder#handlerExecutor(Executor)}), or {@code null}: a virtual thread per call. */
    public Executor handlerExecutor() {
        return v.executor;
    }

    /** The topic notifier ({@link Builder#topicListener(TopicListener)}), or {@code null}. */
    public TopicListener topicListener() {
        return v.topicListener;
    }

    /** The cluster bus ({@link Builder#cluster(ClusterBus)}), or {@code null}: a single node. */
    public ClusterBus cluster() {
        return v.cluster;
    }

    /** What happens to events for a slow consumer ({@link Builder#slowConsumerPolicy(SlowConsumerPolicy)}). */
    public SlowConsumerPolicy slowConsumerPolicy() {
        return v.slowConsumerPolicy;
    }

    /** The most output bytes queued per connection before events are refused ({@link Builder#outboundHighWaterMark(int)}). */
    public int outboundHighWaterMark() {
        return v.outboundHighWaterMark;
    }

    /** Who decides at the upgrade ({@link Builder#authenticator(Authenticator)}), or {@code null}: everyone, no feature. */
    public Authenticator authenticator() {
        return v.authenticator;
    }

    /** Browser origins allowed besides the server's own ({@link Builder#allowedOrigins(String...)}), normalized. */
    public Set<String> allowedOrigins() {
        return v.allowedOrigins;
    }

    /** Whether any browser origin may connect ({@link Builder#allowAnyOrigin()}). */
    public boolean allowsAnyOrigin() {
        return v.anyOrigin;
    }

    /** The time from TCP accept to a complete upgrade ({@link Builder#handshakeTimeout(Duration)}). */
    public Duration handshakeTimeout() {
        return v.handshakeTimeout;
    }

    /** The most TCP connections open at once ({@link Builder#maxConnections(int)}). */
    public int maxConnections() {
        return v.maxConnections;
    }

    /** The most TCP connections open at once per remote address; {@link Integer#MAX_VALUE}: no limit. */
    public int maxConnectionsPerAddress() {
        return v.maxConnectionsPerAddress;
    }

    /** How long a message may take to arrive once its first bytes did ({@link Builder#messageReceiveTimeout(Duration)}). */
    public Duration messageReceiveTimeout() {
        return v.messageReceiveTimeout;
    }

    /** The server-wide budget of bytes held in partly received messages ({@link Builder#partialMessageBudget(long)}). */
    public long partialMessageBudget() {
        return v.partialMessageBudget;
    }

    /** The most connections from one remote address in their handshake (TCP accepted, not yet upgraded) at once ({@link Builder#maxHandshakesPerAddress(int)}). */
    public int maxHandshakesPerAddress() {
        return v.maxHandshakesPerAddress;
    }

    /** When the server pings a silent client and when it closes the connection ({@link Builder#keepAlive(KeepAlive)}). */
    public KeepAlive keepAlive() {
        return v.keepAlive;
    }

    /** How long a graceful shutdown waits for the calls in flight ({@link Builder#drainTimeout(Duration)}). */
    public Duration drainTimeout() {
        return v.drainTimeout;
    }

    /** Whether the server accepts permessage-deflate, and its threshold ({@link Builder#compression(Compression)}). */
    public Compression compression() {
        return v.compression;
    }

    /** The directory connections are recorded to ({@link Builder#record(Path, long, long)}), or {@code null}. */
    public Path recordDirectory() {
        return v.recordDirectory;
    }

    /** The cap of each recording file; meaningful when {@link #recordDirectory()} is set. */
    public long recordMaxBytesPerConnection() {
        return v.recordMaxBytesPerConnection;
    }

    /** The cap of all recording files together; meaningful when {@link #recordDirectory()} is set. */
    public long recordMaxTotalBytes() {
        return v.recordMaxTotalBytes;
    }

    /** Whether the HELLO leaves out the schema text ({@link Builder#hideSchema(boolean)}). */
    public boolean hideSchema() {
        return v.hideSchema;
    }

    /** The directory whose files are served beside the endpoint ({@link Builder#staticFiles(Path)}), as its real path, or {@code null}. */
    public Path staticFiles() {
        return v.staticFiles;
    }

    /** Whether recordings keep the upgrade's credentials in clear ({@link Builder#recordCredentials(boolean)}). */
    public boolean recordCredentials() {
        return v.recordCredentials;
    }

    /** The number of I/O threads set ({@link Builder#ioThreads(int)}), or 0 for the default. */
    public int ioThreads() {
        return v.ioThreads;
    }

    /** Whether the I/O threads busy-poll ({@link Builder#busyPoll(boolean)}). */
    public boolean busyPoll() {
        return v.busyPoll;
    }

    /** The traffic observer ({@link Builder#observer(RpcObserver)}), or {@code null}. */
    public @Nullable RpcObserver observer() {
        return v.observer;
    }

    /** Whether {@code @NonBlocking} handlers run on the I/O thread ({@link Builder#inlineNonBlockingHandlers(boolean)}). */
    public boolean inlineNonBlockingHandlers() {
        return v.inlineNonBlocking;
    }

    /** The interceptors run around every call, outermost first ({@link Builder#interceptor}); empty for none. */
    public List<ServerInterceptor> interceptors() {
        return v.interceptors;
    }

    /** Whether unexpected handler failures are described to the client ({@link Builder#developmentErrorDetails(boolean)}). */
    public boolean developmentErrorDetails() {
        return v.sendErrorDetails;
    }

    @Override
    public String toString() {
        return "ServerOptions[" + (v.tls != null ? "tls" : v.plaintext ? "insecurePlaintext" : "no TLS chosen")
                + ", bind=" + (v.host == null ? "*" : v.host) + ":" + v.port + ", path=" + v.path
                + ", maxInFlight=" + v.maxInFlight + ", maxMessageSize=" + v.maxMessageSize
                + ", slowConsumer=" + v.slowConsumerPolicy + " above " + v.outboundHighWaterMark
                + (v.authenticator == null ? "" : ", authenticator")
                + (v.anyOrigin ? ", anyOrigin" : v.allowedOrigins.isEmpty() ? "" : ", allowedOrigins=" + v.allowedOrigins)
                + ", handshakeTimeout=" + v.handshakeTimeout + ", maxConnections=" + v.maxConnections
                + (v.maxConnectionsPerAddress == Integer.MAX_VALUE ? "" : ", maxConnectionsPerAddress=" + v.maxConnectionsPerAddress)
                + ", maxHandshakesPerAddress=" + v.maxHandshakesPerAddress
                + ", messageReceiveTimeout=" + v.messageReceiveTimeout + ", partialMessageBudget=" + v.partialMessageBudget
                + ", " + v.keepAlive + ", drainTimeout=" + v.drainTimeout + (v.compression.isEnabled() ? ", " + v.compression : "")
                + (v.recordDirectory == null ? "" : ", record=" + v.recordDirectory + (v.recordCredentials ? " with credentials" : ""))
                + (v.ioThreads == 0 ? "" : ", ioThreads=" + v.ioThreads) + (v.busyPoll ? ", busyPoll" : "")
                + (v.inlineNonBlocking ? ", inlineNonBlockingHandlers" : "")
                + (v.cluster == null ? "" : ", cluster=" + v.cluster)
                + (v.sendErrorDetails ? ", developmentErrorDetails" : "") + (v.hideSchema ? ", hideSchema" : "") + "]";
    }

    /**
     * The settings, one immutable field each: what a builder fills in and an options value keeps. A new
     * setting costs a field here, a setter on the builder and an accessor.
     */
    private static final class Values extends Settings.Copyable<Values> {
        Tls tls;
        boolean plaintext;
        String host;
        int port;
        String path = DEFAULT_PATH;
        int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
        Executor executor;
        TopicListener topicListener;
        ClusterBus cluster;
        SlowConsumerPolicy slowConsumerPolicy = SlowConsumerPolicy.DROP_EVENTS;
        int outboundHighWaterMark = DEFAULT_OUTBOUND_HIGH_WATER_MARK;
        Authenticator authenticator;
        Set<String> allowedOrigins = Set.of();
        boolean anyOrigin;
        Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        int maxConnections = DEFAULT_MAX_CONNECTIONS;
        int maxConnectionsPerAddress = Integer.MAX_VALUE;
        int maxHandshakesPerAddress = DEFAULT_MAX_HANDSHAKES_PER_ADDRESS;
        Duration messageReceiveTimeout = DEFAULT_MESSAGE_RECEIVE_TIMEOUT;
        long partialMessageBudget = DEFAULT_PARTIAL_MESSAGE_BUDGET;
        KeepAlive keepAlive = KeepAlive.defaults();
        Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        Compression compression = Compression.off();
        Path recordDirectory;
        long recordMaxBytesPerConnection;
        long recordMaxTotalBytes;
        boolean recordCredentials;
        int ioThreads;
        boolean busyPoll;
        boolean inlineNonBlocking;
        Path staticFiles;
        boolean sendErrorDetails;
        boolean hideSchema;
        RpcObserver observer;
        List<ServerInterceptor> interceptors = List.of();
    }

    /** Collects server settings; not thread-safe. {@link #build()} makes an immutable copy, and the builder may be reused. */
    public static final class Builder {
        private final Values v;

        private Builder(Values v) {
            this.v = v;
        }

        /** Serves over TLS 1.3 with this identity. Replaces {@link #insecurePlaintext()}. */
        public Builder tls(Tls tls) {
            v.tls = Objects.requireNonNull(tls, "tls");
            v.plaintext = false;
            return this;
        }

        /**
         * Serves without TLS ({@code ws://}): traffic can be read and changed by anyone on the path. For
         * tests, or behind a proxy that terminates TLS. Logs a WARN at start. Replaces {@link #tls(Tls)}.
         */
        public Builder insecurePlaintext() {
            v.plaintext = true;
            v.tls = null;
            return this;
        }

        /**
         * Listens on every interface at {@code port}; 0 (the default) picks a free port, see
         * {@link HardLightServer#port()}.
         */
        public Builder bind(int port) {
            return bind(null, port);
        }

        /**
         * Listens on {@code host} (a name or address; {@code null} for every interface) at {@code port};
         * 0 picks a free port.
         *
         * @throws IllegalArgumentException unless the port is 0..65535
         */
        public Builder bind(String host, int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
            }
            v.host = host;
            v.port = port;
            return this;
        }

        /**
         * The HTTP path of the WebSocket endpoint; other paths are answered 404. Default {@value ServerOptions#DEFAULT_PATH}.
         *
         * @throws IllegalArgumentException unless it starts with '/'
         */
        public Builder path(String path) {
            Objects.requireNonNull(path, "path");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("path: '" + path + "' (expected: starts with '/')");
            }
            v.path = path;
            return this;
        }

        /**
         * The most calls one connection may have in flight; announced in the hello, so clients wait for a
         * free slot instead of exceeding it. Default {@value ServerOptions#DEFAULT_MAX_IN_FLIGHT}.
         *
         * @throws IllegalArgumentException unless 1..65535
         */
        public Builder maxInFlight(int maxInFlight) {
            v.maxInFlight = InFlight.check(maxInFlight);
            return this;
        }

        /**
         * The largest message a client may send, in bytes (after reassembling fragmented frames); a
         * larger one closes the connection with 1009. Default 1 MiB; {@value ServerOptions#MIN_MESSAGE_SIZE} to
         * {@value ServerOptions#MAX_MESSAGE_SIZE}.
         */
        public Builder maxMessageSize(int maxMessageSize) {
            v.maxMessageSize = checkMaxMessageSize(maxMessageSize);
            return this;
        }

        /**
         * Where handler methods run. Default: a new virtual thread per call, so handlers may block. A
         * given executor is not shut down by the server. A handler runs on it with its connection's
         * other calls concurrently. With {@link #inlineNonBlockingHandlers(boolean)}, the methods marked
         * {@code @NonBlocking} run on the I/O thread instead.
         */
        public Builder handlerExecutor(Executor executor) {
            v.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * The topic notifier: told when a topic gets its first subscriber ({@code TopicChange.Created})
         * and when it loses its last ({@code TopicChange.Removed}, also when the last subscriber
         * disconnects, however it disconnects), so the application can wire external event
         * infrastructure to the topics that have subscribers here. Called on a virtual thread, one change
         * at a time, in order; it may block and may emit events (a subscriber that caused a
         * {@code Created} receives what the listener emits on that topic). One per server; replaces any
         * previous one. Default: none.
         */
        public Builder topicListener(TopicListener listener) {
            v.topicListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Runs the server as one node of a cluster: events emitted here also go to the other nodes
         * through {@code bus} (one publish per emit), events emitted there reach the subscribers here,
         * and the {@link #topicListener(TopicListener) topic notifier} is told what the bus documents
         * (for {@code NatsCluster}: cluster-wide changes). The server starts the bus when it starts and
         * closes it when it closes; one bus per server. Default: none (a single node, no cluster work).
         */
        public Builder cluster(ClusterBus bus) {
            v.cluster = Objects.requireNonNull(bus, "bus");
            return this;
        }

        /**
         * What happens to an event for a connection that has more than the
         * {@link #outboundHighWaterMark(int) high-water mark} of output queued and unwritten (a client
         * that does not read fast enough). Default {@link SlowConsumerPolicy#DROP_EVENTS}: the event is
         * dropped for that connection, counted ({@link HardLightServer#droppedEvents()}) and reported to
         * the client with its next event; with {@link SlowConsumerPolicy#DISCONNECT} the connection is
         * closed with 1008. The first drop on a connection is logged at WARN. Emitting never blocks, and
         * RPC answers and state deltas are never dropped.
         */
        public Builder slowConsumerPolicy(SlowConsumerPolicy policy) {
            v.slowConsumerPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * The most bytes of output a connection may have queued and not yet written to its socket before
         * events for it are refused by the {@link #slowConsumerPolicy(SlowConsumerPolicy) slow-consumer
         * policy}: the bound on a slow client's memory on the server, in bytes (encoded frames, TLS
         * records once encrypted), beyond what the operating system's socket buffer holds. An event
         * larger than the mark is still sent to a connection with nothing queued. Default 1 MiB
         * ({@value ServerOptions#DEFAULT_OUTBOUND_HIGH_WATER_MARK} bytes).
         *
         * @throws IllegalArgumentException unless positive
         */
        public Builder outboundHighWaterMark(int bytes) {
            v.outboundHighWaterMark = Settings.positive("outboundHighWaterMark", bytes);
            return this;
        }

        /**
         * Decides, at the WebSocket upgrade, whether a connection may open and with which first features
         * and principal (see {@link Authenticator}). It sees the upgrade request (headers, cookies, query
         * parameters, remote address, TLS client certificate) once the path, method, protocol version and
         * origin have been checked, runs on a virtual thread (so it may block), and must decide within the
         * {@link #handshakeTimeout(Duration) handshake timeout} (10 s from TCP accept by default), or the
         * connection is closed and its thread interrupted.
         * A refusal is answered with HTTP 401 or 403 and the reason as a plain-text body; no WebSocket is
         * opened. An authenticator that throws or returns {@code null} refuses the connection with HTTP
         * 500 and a generic reason (the failure is logged with the connection id). One per server;
         * replaces any previous one. Default: none, every connection opens with no feature and no
         * principal.
         */
        public Builder authenticator(Authenticator authenticator) {
            v.authenticator = Objects.requireNonNull(authenticator, "authenticator");
            return this;
        }

        /**
         * Browser origins allowed to connect besides the server's own, as browsers send them in the
         * {@code Origin} header: {@code https://app.example.com} or {@code https://app.example.com:8443}
         * (scheme and host are compared case-insensitively, default ports ignored). Adds to any given
         * before. By default only the server's own origin (the {@code Host} the request was sent to, with
         * the connection's scheme) is allowed, against cross-site WebSocket hijacking: an upgrade from
         * another origin is refused with 403 and a reason. A request without {@code Origin} does not come
         * from a browser page and is always allowed.
         *
         * @throws IllegalArgumentException unless each origin is {@code http://} or {@code https://} and a
         *     host, without path, query or user info
         */
        public Builder allowedOrigins(String... origins) {
            Objects.requireNonNull(origins, "origins");
            Set<String> more = new LinkedHashSet<>(v.allowedOrigins);
            for (String o : origins) {
                more.add(OriginPolicy.checkOrigin(o));
            }
            v.allowedOrigins = Collections.unmodifiableSet(more);
            return this;
        }

        /**
         * Allows upgrades from any browser origin: the explicit opt-out of the origin check, for public
         * endpoints that do not rely on cookies (or other credentials a browser adds by itself).
         * Otherwise a page on any site could open a connection with its visitor's cookies.
         */
        public Builder allowAnyOrigin() {
            v.anyOrigin = true;
            return this;
        }

        /**
         * The time a connection has, from TCP accept, to complete its handshake: the TLS handshake, the
         * HTTP upgrade request and the {@link #authenticator(Authenticator) authenticator}'s decision
         * together. A client that connects and sends nothing, stalls in the middle of TLS, or sends its
         * request slowly is closed when it is up (without an answer: there may be no TLS session to answer
         * in). Default 10 seconds ({@link ServerOptions#DEFAULT_HANDSHAKE_TIMEOUT}).
         *
         * @throws IllegalArgumentException unless positive
         */
        public Builder handshakeTimeout(Duration timeout) {
            v.handshakeTimeout = Settings.positive("handshakeTimeout", timeout);
            return this;
        }

        /**
         * The most TCP connections open at once, counted from accept to close whether upgraded yet or
         * not. A connection over the limit is refused at its upgrade with HTTP 503 and the reason
         * ("too many connections: this server accepts at most 10000"; clients see {@code UNAVAILABLE}),
         * and counted ({@link HardLightServer#refusedConnections()}); while 256 refusals are being
         * answered at once (each costs a TLS handshake, bounded by the handshake timeout), further
         * connections over the limit are closed at accept without an answer. Other connections are not affected. Default {@value ServerOptions#DEFAULT_MAX_CONNECTIONS}.
         *
         * @throws IllegalArgumentException unless positive
         */
        public Builder maxConnections(int maxConnections) {
            v.maxConnections = Settings.positive("maxConnections", maxConnections);
            return this;
        }

        /**
         * The most TCP connections open at once from one remote IP address, counted and refused as with
         * {@link #maxConnections(int)} (503, "too many connections from 192.0.2.7: ..."). Behind a proxy
         * or a NAT, many clients share an address: size it for that. Default: no per-address limit.
         *
         * @throws IllegalArgumentException unless positive
         */
        public Builder maxConnectionsPerAddress(int maxConnectionsPerAddress) {
            v.maxConnectionsPerAddress = Settings.positive("maxConnectionsPerAddress", maxConnectionsPerAddress);
            return this;
        }

        /**
         * How long a message may take to arrive once its first bytes did. A client that sends most of
         * a message and then a byte now and then keeps the idle timeout from firing but holds the
         * partial message in memory; beyond this time the connection is closed with 1008 "message
         * not received within ...". Default 30 s.
         *
         * @throws IllegalArgumentException unless positive
         */
        public Builder messageReceiveTimeout(Duration timeout) {
            v.messageReceiveTimeout = Settings.positive("messageReceiveTimeout", timeout);
            return this;
        }

        /**
         * The server-wide budget of bytes held in partly received messages. Only a partial message
         * larger than 64 KiB counts against it; a connection whose partial message is that large when
         * the budget is spent is closed with 1013 "try again later". Smaller messages are never
         * refused for it. With it, the memory held in partial messages is at most this budget plus
         * 64 KiB per connection (plus one read, 64 KiB, per connection in the decoders). Default
         * 64 MiB.
         *
         * @throws IllegalArgumentException unless at least 64 KiB
         */
        public Builder partialMessageBudget(long bytes) {
            if (bytes < 64 * 1024) {
                throw new IllegalArgumentException("partialMessageBudget: " + bytes + " (expected: >= 65536)");
            }
            v.partialMessageBudget = bytes;
            return this;
        }

        /**
         * The most connections from one remote IP address that may be in their handshake at once: TCP
         * accepted but not yet upgraded (TLS, the HTTP request, the authenticator). One more is refused
         * like a connection over {@link #maxConnections(int)} (503 "too many handshakes in progress from
         * ...", or closed at accept when many refusals are being answered already), so that sockets
         * from one source that never finish TLS cannot hold the whole {@code maxConnections} budget.
         * Open (upgraded) connections do not count. The address is the TCP peer's: behind a reverse
         * proxy every client shares the proxy's address, so raise this for it (HardLight does not read
         * forwarded-address headers). Default {@value #DEFAULT_MAX_HANDSHAKES_PER_ADDRESS}.
         *
         * @throws IllegalArgumentException unless positive
         */
        public Builder maxHandshakesPerAddress(int maxHandshakesPerAddress) {
            v.maxHandshakesPerAddress = Settings.positive("maxHandshakesPerAddress", maxHandshakesPerAddress);
            return this;
        }

        /**
         * Keepalive and idle timeout of open connections (see {@link KeepAlive}). Giving up closes the
         * connection with a close frame 1001 "idle timeout: nothing received for 90 s" and then the TCP
         * connection (after at most a second, as the peer is presumably gone); its calls' handlers are
         * interrupted and its subscriptions removed. A client that stops reading its answers for that
         * long is closed as idle too: past a megabyte of unread output the server stops reading it (to
         * bound its memory), so it receives nothing from it, pongs included. Default
         * {@link KeepAlive#defaults()}: ping every 30 s, close after 90 s.
         */
        public Builder keepAlive(KeepAlive keepAlive) {
            v.keepAlive = Objects.requireNonNull(keepAlive, "keepAlive");
            return this;
        }

        /**
         * How long {@link HardLightServer#close()} waits for the calls in flight to finish. At close the
         * server stops accepting and sends GO_AWAY on every connection (new calls fail with
         * {@code UNAVAILABLE} "server is shutting down: ..."); once no call is in flight, or when this time
         * has passed, it closes every connection with 1001 "server shutting down": handlers still running
         * then are interrupted and their calls fail on the client with {@code CONNECTION_LOST}. Default 10
         * seconds ({@link ServerOptions#DEFAULT_DRAIN_TIMEOUT}).
         *
         * @throws IllegalArgumentException unless positive
         */
        public Builder drainTimeout(Duration timeout) {
            v.drainTimeout = Settings.positive("drainTimeout", timeout);
            return this;
        }

        /**
         * Whether to accept permessage-deflate when a client offers it in its upgrade, and from which
         * message size the server compresses (see {@link Compression}). A compressed message from a
         * client may inflate to at most the {@link #maxMessageSize(int) message size limit}; a larger one
         * closes the connection with 1009, as an oversized message does. Default {@link Compression#off()}.
         */
        public Builder compression(Compression compression) {
            v.compression = Objects.requireNonNull(compression, "compression");
            return this;
        }

        /**
         * Whether to leave the schema text out of the HELLO: see {@link ServerBuilder#hideSchema()} for
         * what that costs. Default: {@code false} (the schema is sent).
         */
        public Builder hideSchema(boolean hide) {
            v.hideSchema = hide;
            return this;
        }

        /**
         * Serves the files under {@code directory} on the endpoint's port, for every other path: see
         * {@link ServerBuilder#staticFiles(Path)} for the rules and limits. Default: off (404).
         *
         * @throws IllegalArgumentException unless {@code directory} is an existing directory
         */
        public Builder staticFiles(Path directory) {
            v.staticFiles = StaticFiles.of(Objects.requireNonNull(directory, "directory")).root();
            return this;
        }

        /**
         * Records every connection in {@code directory}, each up to
         * {@value ServerOptions#DEFAULT_RECORD_MAX_BYTES_PER_CONNECTION} bytes, all together up to
         * {@value ServerOptions#DEFAULT_RECORD_MAX_TOTAL_BYTES}; see {@link #record(Path, long, long)}.
         */
        public Builder record(Path directory) {
            return record(directory, DEFAULT_RECORD_MAX_BYTES_PER_CONNECTION, DEFAULT_RECORD_MAX_TOTAL_BYTES);
        }

        /**
         * Records every connection (upgraded or refused) to a file of its own in {@code directory}, named
         * by the time it was accepted (UTC) and its connection id, as in {@code 20261124T153254.123Z-42.hlrec},
         * in the format of {@code docs/recording.md}, for {@link Recording#read(Path)} to replay;
         * {@link Recording} says what is recorded, how a file is bounded and which credentials are
         * masked. Bounded twice: a file never exceeds {@code maxBytesPerConnection}, and the files of
         * this server never sum past {@code maxTotalBytes}: each connection reserves its cap from the
         * total and gives back what it did not use when it closes; while the total is spent, new
         * connections are not recorded (a WARN, once). Old files are never deleted: remove them
         * yourself. For debugging, not for production traffic. Default: off.
         *
         * @throws IllegalArgumentException if the directory does not exist, {@code maxBytesPerConnection}
         *     is not within 8 KiB..1 GiB, or {@code maxTotalBytes} is smaller than it
         */
        public Builder record(Path directory, long maxBytesPerConnection, long maxTotalBytes) {
            Objects.requireNonNull(directory, "directory");
            if (!Files.isDirectory(directory)) {
                throw new IllegalArgumentException("record directory: " + directory + " (expected: an existing directory)");
            }
            RecordingFormat.checkMaxBytes("record maxBytesPerConnection", maxBytesPerConnection);
            if (maxTotalBytes < maxBytesPerConnection) {
                throw new IllegalArgumentException("record maxTotalBytes: " + maxTotalBytes + " (expected: >= maxBytesPerConnection "
                        + maxBytesPerConnection + ")");
            }
            v.recordDirectory = directory;
            v.recordMaxBytesPerConnection = maxBytesPerConnection;
            v.recordMaxTotalBytes = maxTotalBytes;
            return this;
        }

        /**
         * Whether {@link #record(Path, long, long) recordings} keep the credentials of the HTTP upgrade in
         * clear; by default (false) they are masked, as {@link Recording} describes. A server's
         * recordings hold the credentials of every client that connected.
         */
        public Builder recordCredentials(boolean record) {
            v.recordCredentials = record;
            return this;
        }

        /**
         * The number of I/O threads (event loops) serving the connections: each connection is served by
         * one of them for its whole life, its reading, framing and writing (and its handlers marked
         * non-blocking, with {@link #inlineNonBlockingHandlers(boolean)}). Default: twice the available
         * processors, or {@value ServerOptions#DEFAULT_BUSY_POLL_IO_THREADS} with {@link #busyPoll(boolean) busy
         * polling}, where each thread occupies a core. Connections are accepted on one more thread.
         *
         * @throws IllegalArgumentException unless positive
         */
        public Builder ioThreads(int threads) {
            v.ioThreads = Settings.positive("ioThreads", threads);
            return this;
        }

        /**
         * Low-latency mode for the I/O threads: while at least one connection is open, they never sleep
         * waiting for the network; each one polls its sockets and its task queue in a loop, so a message
         * is read as soon as it arrives and an answer computed on another thread is written without a
         * wake-up. This saves the wake-up of a sleeping thread on every message (several microseconds,
         * more on a virtual machine) at a steep price: <b>each I/O thread uses 100% of a core as long as
         * a connection is open, even with no traffic at all</b> (with no connection open, the threads
         * sleep; an empty poll yields to other runnable threads). Use it only with spare cores: spinning
         * threads that compete with each other, or with the handlers, for too few cores make latency
         * worse, not better. Hence the default of
         * {@value ServerOptions#DEFAULT_BUSY_POLL_IO_THREADS} I/O thread in this mode ({@link #ioThreads(int)}
         * changes it). Works on epoll and NIO alike. Default: off.
         */
        public Builder busyPoll(boolean busyPoll) {
            v.busyPoll = busyPoll;
            return this;
        }

        /**
         * Runs the handler methods marked {@link dev.hardlight.NonBlocking @NonBlocking} directly on the
         * connection's I/O thread, as soon as their call is read, instead of handing each call to a
         * virtual thread (the {@link #handlerExecutor(Executor) handler executor}): this saves a thread
         * hand-off per call. Other methods still run on the handler executor. The guarantees stay the
         * same: the state changes and events a handler causes are sent before its result, a handler
         * that throws is answered with an error, answers are written in batches. But a marked handler
         * that blocks (sleeps, waits for a lock, does I/O, calls another service synchronously) stalls
         * every connection of its I/O thread meanwhile; the inline calls of an I/O thread run one at a
         * time, in order; and a cancel or deadline cannot interrupt them (they have answered by the time
         * the cancel is read). Mark only methods that take microseconds. Default: off (the mark is
         * ignored).
         */
        public Builder inlineNonBlockingHandlers(boolean inline) {
            v.inlineNonBlocking = inline;
            return this;
        }

        /**
         * FOR DEVELOPMENT ONLY: when a handler fails unexpectedly (an exception that is neither declared
         * nor an {@link dev.hardlight.RpcException}), sends the client the exception's class and message
         * with the {@code INTERNAL} error, after the error id. By default the client gets only
         * "internal error (error id X)" and the server logs the id with the stack trace: class names and
         * messages can reveal the server's internals to anyone who can call it. Default: off.
         */
        public Builder developmentErrorDetails(boolean send) {
            v.sendErrorDetails = send;
            return this;
        }

        /**
         * Adds an interceptor run around every call on this server's connections (see
         * {@link ServerInterceptor}): the first added is the outermost, it runs first and
         * sees the outcome last. Default: none, and then nothing of them runs.
         */
        public Builder interceptor(ServerInterceptor interceptor) {
            v.interceptors = Settings.append(v.interceptors, Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /**
         * Tells {@code observer} of the server's connections, refused upgrades, calls, events and bytes,
         * for metrics and tracing (see {@link RpcObserver}; e.g. hardlight-micrometer's). Default: none,
         * and then nothing is measured. {@code null} removes it.
         */
        public Builder observer(RpcObserver observer) {
            v.observer = observer;
            return this;
        }

        /** Immutable options holding this builder's settings. */
        public ServerOptions build() {
            return new ServerOptions(v.copy());
        }
    }
}
