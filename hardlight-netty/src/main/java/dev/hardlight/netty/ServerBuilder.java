package dev.hardlight.netty;

import dev.hardlight.Authenticator;
import dev.hardlight.HandlerFactory;
import dev.hardlight.TopicListener;
import dev.hardlight.netty.internal.KeepAlive;
import dev.hardlight.netty.internal.NettyServer;
import dev.hardlight.netty.internal.OriginPolicy;
import dev.hardlight.netty.internal.RecordingFormat;
import dev.hardlight.netty.internal.ServerConfig;
import dev.hardlight.netty.internal.ServerRecordings;
import dev.hardlight.netty.internal.SlowConsumer;
import dev.hardlight.netty.internal.TlsContexts;
import dev.hardlight.service.ServiceDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configures and starts a {@link HardLightServer}; made by {@link HardLight#server}. TLS is required:
 * call {@link #tls(Tls)}, or {@link #insecurePlaintext()} to go without it explicitly.
 *
 * <p>Not thread-safe; use it from one thread, then {@link #start()}.
 *
 * @param <S> the service interface
 */
public final class ServerBuilder<S> {
    private static final Logger log = LoggerFactory.getLogger(ServerBuilder.class);

    /** Default of {@link #path(String)}. */
    public static final String DEFAULT_PATH = "/hl";
    /** Default of {@link #maxInFlight(int)}: calls in flight per connection. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 256;
    /** Default of {@link #maxMessageSize(int)}: 1 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 1024 * 1024;
    /** Smallest accepted {@link #maxMessageSize(int)}: 1 KiB. */
    public static final int MIN_MESSAGE_SIZE = 1024;
    /** Largest accepted {@link #maxMessageSize(int)}: 64 MiB. */
    public static final int MAX_MESSAGE_SIZE = 64 * 1024 * 1024;
    /** Default of {@link #outboundHighWaterMark(int)}: 1 MiB. */
    public static final int DEFAULT_OUTBOUND_HIGH_WATER_MARK = 1024 * 1024;
    /** Default of {@link #handshakeTimeout(Duration)}: 10 seconds from TCP accept to a complete upgrade. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** Default of {@link #maxConnections(int)}: TCP connections open at once. */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    /** Default of {@link #drainTimeout(Duration)}: 10 seconds for the calls in flight to finish at shutdown. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
    /** Default ping interval of {@link #keepAlive(Duration, Duration)}: 30 seconds. */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(30);
    /** Default idle timeout of {@link #keepAlive(Duration, Duration)}: 90 seconds. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(90);
    /** The threshold of {@link #compression()}: messages of at least 1 KiB are compressed. */
    public static final int DEFAULT_COMPRESSION_THRESHOLD = 1024;
    /** Default cap of each file of {@link #record(Path)}: 64 MiB. */
    public static final long DEFAULT_RECORD_MAX_BYTES_PER_CONNECTION = 64L * 1024 * 1024;
    /** Default cap of all the files of {@link #record(Path)} together: 1 GiB. */
    public static final long DEFAULT_RECORD_MAX_TOTAL_BYTES = 1024L * 1024 * 1024;
    /** Default of {@link #ioThreads(int)} with {@link #busyPoll(boolean) busy polling}: one spinning thread. */
    public static final int DEFAULT_BUSY_POLL_IO_THREADS = 1;

    private final ServiceDescriptor<S> service;
    private final HandlerFactory<S> factory;
    private Tls tls;
    private boolean plaintext;
    private String host;
    private int port;
    private String path = DEFAULT_PATH;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
    private Executor executor;
    private TopicListener topicListener;
    private SlowConsumerPolicy slowConsumerPolicy = SlowConsumerPolicy.DROP_EVENTS;
    private int outboundHighWaterMark = DEFAULT_OUTBOUND_HIGH_WATER_MARK;
    private Authenticator authenticator;
    private final Set<String> allowedOrigins = new LinkedHashSet<>();
    private boolean anyOrigin;
    private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxConnectionsPerAddress = Integer.MAX_VALUE;
    private KeepAlive keepAlive = new KeepAlive(DEFAULT_PING_INTERVAL, DEFAULT_IDLE_TIMEOUT);
    private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
    private int compressionThreshold = -1;
    private Path recordDirectory;
    private long recordMaxBytesPerConnection;
    private long recordMaxTotalBytes;
    private boolean recordCredentials;
    private int ioThreads;
    private boolean busyPoll;
    private boolean inlineNonBlocking;
    private boolean hideSchema;

    ServerBuilder(ServiceDescriptor<S> service, HandlerFactory<S> factory) {
        this.service = Objects.requireNonNull(service, "service");
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** Serves over TLS 1.3 with this identity. Replaces {@link #insecurePlaintext()}. */
    public ServerBuilder<S> tls(Tls tls) {
        this.tls = Objects.requireNonNull(tls, "tls");
        this.plaintext = false;
        return this;
    }

    /**
     * Serves without TLS ({@code ws://}): traffic can be read and changed by anyone on the path. For
     * tests, or behind a proxy that terminates TLS. Logs a WARN at start. Replaces {@link #tls(Tls)}.
     */
    public ServerBuilder<S> insecurePlaintext() {
        this.plaintext = true;
        this.tls = null;
        return this;
    }

    /**
     * Listens on every interface at {@code port}; 0 (the default) picks a free port, see
     * {@link HardLightServer#port()}.
     */
    public ServerBuilder<S> bind(int port) {
        return bind(null, port);
    }

    /**
     * Listens on {@code host} (a name or address; {@code null} for every interface) at {@code port};
     * 0 picks a free port.
     *
     * @throws IllegalArgumentException unless the port is 0..65535
     */
    public ServerBuilder<S> bind(String host, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        this.host = host;
        this.port = port;
        return this;
    }

    /**
     * The HTTP path of the WebSocket endpoint; other paths are answered 404. Default {@value #DEFAULT_PATH}.
     *
     * @throws IllegalArgumentException unless it starts with '/'
     */
    public ServerBuilder<S> path(String path) {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path: '" + path + "' (expected: starts with '/')");
        }
        this.path = path;
        return this;
    }

    /**
     * The most calls one connection may have in flight; announced in the hello, so clients wait for a
     * free slot instead of exceeding it. Default {@value #DEFAULT_MAX_IN_FLIGHT}.
     *
     * @throws IllegalArgumentException unless 1..65535
     */
    public ServerBuilder<S> maxInFlight(int maxInFlight) {
        if (maxInFlight < 1 || maxInFlight > 65_535) {
            throw new IllegalArgumentException("maxInFlight: " + maxInFlight + " (expected: 1..65535)");
        }
        this.maxInFlight = maxInFlight;
        return this;
    }

    /**
     * The largest message a client may send, in bytes (after reassembling fragmented frames); a
     * larger one closes the connection with 1009. Default 1 MiB; {@value #MIN_MESSAGE_SIZE} to
     * {@value #MAX_MESSAGE_SIZE}.
     */
    public ServerBuilder<S> maxMessageSize(int maxMessageSize) {
        if (maxMessageSize < MIN_MESSAGE_SIZE || maxMessageSize > MAX_MESSAGE_SIZE) {
            throw new IllegalArgumentException("maxMessageSize: " + maxMessageSize
                    + " (expected: " + MIN_MESSAGE_SIZE + ".." + MAX_MESSAGE_SIZE + ")");
        }
        this.maxMessageSize = maxMessageSize;
        return this;
    }

    /**
     * Where handler methods run. Default: a new virtual thread per call, so handlers may block. A
     * given executor is not shut down by the server. A handler runs on it with its connection's
     * other calls concurrently. With {@link #inlineNonBlockingHandlers(boolean)}, the methods marked
     * {@code @NonBlocking} run on the I/O thread instead.
     */
    public ServerBuilder<S> handlerExecutor(Executor executor) {
        this.executor = Objects.requireNonNull(executor, "executor");
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
    public ServerBuilder<S> topicListener(TopicListener listener) {
        this.topicListener = Objects.requireNonNull(listener, "listener");
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
    public ServerBuilder<S> slowConsumerPolicy(SlowConsumerPolicy policy) {
        this.slowConsumerPolicy = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /**
     * The most bytes of output a connection may have queued and not yet written to its socket before
     * events for it are refused by the {@link #slowConsumerPolicy(SlowConsumerPolicy) slow-consumer
     * policy}: the bound on a slow client's memory on the server, in bytes (encoded frames, TLS
     * records once encrypted), beyond what the operating system's socket buffer holds. An event
     * larger than the mark is still sent to a connection with nothing queued. Default 1 MiB
     * ({@value #DEFAULT_OUTBOUND_HIGH_WATER_MARK} bytes).
     *
     * @throws IllegalArgumentException unless positive
     */
    public ServerBuilder<S> outboundHighWaterMark(int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("outboundHighWaterMark: " + bytes + " (expected: > 0)");
        }
        this.outboundHighWaterMark = bytes;
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
    public ServerBuilder<S> authenticator(Authenticator authenticator) {
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
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
    public ServerBuilder<S> allowedOrigins(String... origins) {
        Objects.requireNonNull(origins, "origins");
        for (String o : origins) {
            allowedOrigins.add(OriginPolicy.checkOrigin(o));
        }
        return this;
    }

    /**
     * Allows upgrades from any browser origin: the explicit opt-out of the origin check, for public
     * endpoints that do not rely on cookies (or other credentials a browser adds by itself).
     * Otherwise a page on any site could open a connection with its visitor's cookies.
     */
    public ServerBuilder<S> allowAnyOrigin() {
        this.anyOrigin = true;
        return this;
    }

    /**
     * The time a connection has, from TCP accept, to complete its handshake: the TLS handshake, the
     * HTTP upgrade request and the {@link #authenticator(Authenticator) authenticator}'s decision
     * together. A client that connects and sends nothing, stalls in the middle of TLS, or sends its
     * request slowly is closed when it is up (without an answer: there may be no TLS session to answer
     * in). Default 10 seconds ({@link #DEFAULT_HANDSHAKE_TIMEOUT}).
     *
     * @throws IllegalArgumentException unless positive
     */
    public ServerBuilder<S> handshakeTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("handshakeTimeout: " + timeout + " (expected: > 0)");
        }
        this.handshakeTimeout = timeout;
        return this;
    }

    /**
     * The most TCP connections open at once, counted from accept to close whether upgraded yet or
     * not. A connection over the limit is refused at its upgrade with HTTP 503 and the reason
     * ("too many connections: this server accepts at most 10000"; clients see {@code UNAVAILABLE}),
     * and counted ({@link HardLightServer#refusedConnections()}); while 256 refusals are being
     * answered at once (each costs a TLS handshake, bounded by the handshake timeout), further
     * connections over the limit are closed at accept without an answer. Other connections are not affected. Default {@value #DEFAULT_MAX_CONNECTIONS}.
     *
     * @throws IllegalArgumentException unless positive
     */
    public ServerBuilder<S> maxConnections(int maxConnections) {
        if (maxConnections <= 0) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: > 0)");
        }
        this.maxConnections = maxConnections;
        return this;
    }

    /**
     * The most TCP connections open at once from one remote IP address, counted and refused as with
     * {@link #maxConnections(int)} (503, "too many connections from 192.0.2.7: ..."). Behind a proxy
     * or a NAT, many clients share an address: size it for that. Default: no per-address limit.
     *
     * @throws IllegalArgumentException unless positive
     */
    public ServerBuilder<S> maxConnectionsPerAddress(int maxConnectionsPerAddress) {
        if (maxConnectionsPerAddress <= 0) {
            throw new IllegalArgumentException("maxConnectionsPerAddress: " + maxConnectionsPerAddress + " (expected: > 0)");
        }
        this.maxConnectionsPerAddress = maxConnectionsPerAddress;
        return this;
    }

    /**
     * Keepalive and idle timeout of open connections. When nothing was received on a connection for
     * {@code pingInterval}, the server sends a WebSocket ping (browsers and HardLight clients answer
     * with a pong by themselves), and again every interval while the silence lasts; when nothing at
     * all (no message, no pong, not a byte) was received for {@code idleTimeout}, the server closes
     * the connection with a close frame 1001 "idle timeout: nothing received for 90 s" and then the
     * TCP connection (after at most a second, as the peer is presumably gone); its calls' handlers are
     * interrupted and its subscriptions removed. This frees connections whose client vanished without
     * a TCP close (a pulled cable, a sleeping laptop, a NAT that forgot the flow). A client that stops
     * reading its answers for that long is closed as idle too: past a megabyte of unread output the
     * server stops reading it (to bound its memory), so it receives nothing from it, pongs included.
     * Defaults: ping every 30 s, close after 90 s.
     *
     * @throws IllegalArgumentException unless {@code 0 < pingInterval < idleTimeout}
     */
    public ServerBuilder<S> keepAlive(Duration pingInterval, Duration idleTimeout) {
        this.keepAlive = new KeepAlive(pingInterval, idleTimeout);
        return this;
    }

    /**
     * How long {@link HardLightServer#close()} waits for the calls in flight to finish. At close the
     * server stops accepting and sends GO_AWAY on every connection (new calls fail with
     * {@code UNAVAILABLE} "server is shutting down: ..."); once no call is in flight, or when this time
     * has passed, it closes every connection with 1001 "server shutting down": handlers still running
     * then are interrupted and their calls fail on the client with {@code CONNECTION_LOST}. Default 10
     * seconds ({@link #DEFAULT_DRAIN_TIMEOUT}).
     *
     * @throws IllegalArgumentException unless positive
     */
    public ServerBuilder<S> drainTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("drainTimeout: " + timeout + " (expected: > 0)");
        }
        this.drainTimeout = timeout;
        return this;
    }

    /**
     * Enables permessage-deflate (RFC 7692) with the default threshold
     * ({@value #DEFAULT_COMPRESSION_THRESHOLD} bytes); see {@link #compression(int)}.
     */
    public ServerBuilder<S> compression() {
        return compression(DEFAULT_COMPRESSION_THRESHOLD);
    }

    /**
     * Enables permessage-deflate (RFC 7692), the standard WebSocket compression browsers offer: when a
     * client offers it in its upgrade ({@code Sec-WebSocket-Extensions}), the server accepts it, and
     * the messages of that connection of at least {@code thresholdBytes} are compressed (smaller ones
     * are sent as they are: compressing them costs more than it saves). A client that does not offer
     * it gets an uncompressed connection. A compressed message from the client may inflate to at most
     * the {@link #maxMessageSize(int) message size limit}; a larger one (a compression bomb) closes
     * the connection with 1009, as an oversized message does. Default: off. Compression costs CPU and
     * some memory per connection (a deflate window each way); over TLS, compressing secrets next to
     * attacker-controlled data can leak them (BREACH-style attacks).
     *
     * @throws IllegalArgumentException if negative
     */
    public ServerBuilder<S> compression(int thresholdBytes) {
        if (thresholdBytes < 0) {
            throw new IllegalArgumentException("compression threshold: " + thresholdBytes + " (expected: >= 0)");
        }
        this.compressionThreshold = thresholdBytes;
        return this;
    }

    /**
     * Records every connection in {@code directory}, each up to
     * {@value #DEFAULT_RECORD_MAX_BYTES_PER_CONNECTION} bytes, all together up to
     * {@value #DEFAULT_RECORD_MAX_TOTAL_BYTES}; see {@link #record(Path, long, long)}.
     */
    public ServerBuilder<S> record(Path directory) {
        return record(directory, DEFAULT_RECORD_MAX_BYTES_PER_CONNECTION, DEFAULT_RECORD_MAX_TOTAL_BYTES);
    }

    /**
     * Records every connection (upgraded or refused) to a file of its own in {@code directory}, named
     * by the time it was accepted (UTC) and its connection id, as in {@code 20261124T153254.123Z-42.hlrec}:
     * every buffer of plaintext bytes read and written (after TLS), with its time, in the format of
     * {@code docs/recording.md}, for {@link Recording#read(Path)} to replay. A file is complete (ends
     * with its END record) shortly after its connection closes.
     *
     * <p>Bounded twice: a file never exceeds {@code maxBytesPerConnection} (the recording stops with a
     * TRUNCATED record that says so, the connection goes on), and the files of this server never sum
     * past {@code maxTotalBytes}: each connection reserves its cap from the total and gives back what
     * it did not use when it closes; while the total is spent, new connections are not recorded (a
     * WARN, once). Old files are never deleted: remove them yourself. Recording copies every buffer on
     * the I/O thread and writes on a virtual thread per connection; when more than 4 MiB wait for a
     * disk that does not keep up, that recording is truncated instead of slowing the connection. A
     * recording holds everything the connection carried, in clear, except the credentials of the HTTP
     * upgrade, which are masked unless {@link #recordCredentials(boolean)} says otherwise: files are
     * created owner-readable only where the file system allows. For debugging, not for production
     * traffic. Default: off.
     *
     * @throws IllegalArgumentException if the directory does not exist, {@code maxBytesPerConnection}
     *     is not within 8 KiB..1 GiB, or {@code maxTotalBytes} is smaller than it
     */
    public ServerBuilder<S> record(Path directory, long maxBytesPerConnection, long maxTotalBytes) {
        Objects.requireNonNull(directory, "directory");
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("record directory: " + directory + " (expected: an existing directory)");
        }
        if (maxBytesPerConnection < RecordingFormat.MIN_MAX_BYTES || maxBytesPerConnection > RecordingFormat.MAX_MAX_BYTES) {
            throw new IllegalArgumentException("record maxBytesPerConnection: " + maxBytesPerConnection + " (expected: "
                    + RecordingFormat.MIN_MAX_BYTES + ".." + RecordingFormat.MAX_MAX_BYTES + ")");
        }
        if (maxTotalBytes < maxBytesPerConnection) {
            throw new IllegalArgumentException("record maxTotalBytes: " + maxTotalBytes + " (expected: >= maxBytesPerConnection "
                    + maxBytesPerConnection + ")");
        }
        this.recordDirectory = directory;
        this.recordMaxBytesPerConnection = maxBytesPerConnection;
        this.recordMaxTotalBytes = maxTotalBytes;
        return this;
    }

    /**
     * Whether {@link #record(Path, long, long) recordings} keep the credentials of the HTTP upgrade in
     * clear. By default (false) they are masked before they reach the file: the values of the
     * {@code Authorization}, {@code Proxy-Authorization}, {@code Cookie} and {@code Set-Cookie}
     * headers, and the values of the query string (and any fragment) of the request line, become
     * {@code *}, one per byte, so the recording still decodes and its lengths and read boundaries are
     * unchanged; the names stay.
     *
     * <p>Off by default because recordings travel (bug reports, copies off the server, test data),
     * and a server's recordings hold the tokens and session cookies of every client that connected:
     * whoever reads them could act as those users until the credentials expire. Turn it on only to
     * debug the credentials themselves, and treat such files as the credentials they hold. Other
     * headers and every argument and result are recorded as sent.
     */
    public ServerBuilder<S> recordCredentials(boolean record) {
        this.recordCredentials = record;
        return this;
    }

    /**
     * The number of I/O threads (event loops) serving the connections: each connection is served by
     * one of them for its whole life, its reading, framing and writing (and its handlers marked
     * non-blocking, with {@link #inlineNonBlockingHandlers(boolean)}). Default: twice the available
     * processors, or {@value #DEFAULT_BUSY_POLL_IO_THREADS} with {@link #busyPoll(boolean) busy
     * polling}, where each thread occupies a core. Connections are accepted on one more thread.
     *
     * @throws IllegalArgumentException unless positive
     */
    public ServerBuilder<S> ioThreads(int threads) {
        if (threads <= 0) {
            throw new IllegalArgumentException("ioThreads: " + threads + " (expected: > 0)");
        }
        this.ioThreads = threads;
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
     * {@value #DEFAULT_BUSY_POLL_IO_THREADS} I/O thread in this mode ({@link #ioThreads(int)}
     * changes it). Works on epoll and NIO alike. Default: off.
     */
    public ServerBuilder<S> busyPoll(boolean busyPoll) {
        this.busyPoll = busyPoll;
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
    public ServerBuilder<S> inlineNonBlockingHandlers(boolean inline) {
        this.inlineNonBlocking = inline;
        return this;
    }

    /**
     * Leaves the schema text out of the HELLO (extension 4, docs/protocol.md section 3.1). By default
     * every connection receives the server's whole canonical schema text: its methods with parameter
     * names and types, every record, enum and sealed type crossing the wire, the state and event types.
     * That is what lets a client built from another version of the contract apply the compatibility
     * rule (docs/evolution.md) and what lets tools such as {@code hardlight describe} and
     * {@code hardlight call} work without Java classes. A service whose contract is private can
     * withhold it: clients then accept only methods, state and events whose hashes equal their own
     * (any change on either side makes the changed methods {@code INCOMPATIBLE}), and the command line
     * needs the schema from a file ({@code --schema}). Hiding the schema hides names, not behaviour:
     * method names and hashes are still in the HELLO, and values are still readable on the wire to
     * whoever can decrypt it.
     */
    public ServerBuilder<S> hideSchema() {
        this.hideSchema = true;
        return this;
    }

    /**
     * Binds and starts accepting connections; returns once the port is bound.
     *
     * @throws IllegalStateException if neither {@link #tls(Tls)} nor {@link #insecurePlaintext()} was
     *     called, or the address cannot be bound
     */
    public HardLightServer start() {
        if (tls == null && !plaintext) {
            throw new IllegalStateException("no TLS configured: call tls(Tls.selfSigned(\"localhost\")) (or another Tls), "
                    + "or insecurePlaintext() to serve without encryption");
        }
        String fingerprint = null;
        io.netty.handler.ssl.SslContext ssl = null;
        if (tls != null) {
            ssl = TlsContexts.server(tls.material());
            fingerprint = tls.fingerprint();
        } else {
            log.warn("insecurePlaintext: the HardLight server for {} serves WITHOUT TLS; traffic can be read and changed "
                    + "by anyone on the network path", service.name());
        }
        return new HardLightServer(NettyServer.start(new ServerConfig<>(service, factory, ssl, fingerprint, host, port, path,
                maxInFlight, maxMessageSize, executor, topicListener,
                new SlowConsumer(outboundHighWaterMark, slowConsumerPolicy, new LongAdder()), authenticator,
                anyOrigin ? OriginPolicy.any() : OriginPolicy.allow(allowedOrigins), handshakeTimeout, maxConnections,
                maxConnectionsPerAddress, keepAlive, drainTimeout, compressionThreshold,
                recordDirectory == null ? null
                        : new ServerRecordings(recordDirectory, recordMaxBytesPerConnection, recordMaxTotalBytes,
                                recordCredentials),
                ioThreads > 0 ? ioThreads : busyPoll ? DEFAULT_BUSY_POLL_IO_THREADS : 0, busyPoll, inlineNonBlocking,
                hideSchema)));
    }
}
