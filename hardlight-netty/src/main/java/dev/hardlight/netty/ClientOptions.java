package dev.hardlight.netty;

import dev.hardlight.ClientInterceptor;
import dev.hardlight.Nullable;
import dev.hardlight.internal.protocol.ClientSession;
import dev.hardlight.internal.protocol.InFlight;
import dev.hardlight.netty.internal.Fingerprints;
import dev.hardlight.netty.internal.IoThreads;
import dev.hardlight.netty.internal.RecordingFormat;
import dev.hardlight.netty.internal.Transports;
import dev.hardlight.netty.internal.TrustMode;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How a client connects: how it checks the server's certificate, how many calls it keeps in flight,
 * how long connecting may take. Immutable and thread-safe; make one with a static shortcut or
 * {@link #builder()}, change a copy with {@link #toBuilder()}.
 *
 * <p>Trust, exactly one of:
 * <ul>
 *   <li>{@link #pinned(String)}: the server's leaf certificate must have this SHA-256 fingerprint
 *       (what {@link Tls#fingerprint()} and the server's log print); the host name is not checked,
 *       the pin is stronger. The way to trust a self-signed development certificate.</li>
 *   <li>{@link #systemTrust()} (the default): the JDK's default trust store, with host name
 *       verification.</li>
 *   <li>{@link #trust(Path)}: the certificates of a PEM bundle (a private CA), with host name
 *       verification.</li>
 *   <li>{@link #insecureTrustAll()}: no check at all. Insecure; logs a warning on every connect.</li>
 * </ul>
 * {@code wss://} URIs always use TLS; {@code ws://} URIs are refused unless
 * {@link Builder#insecurePlaintext()} is set.
 */
public final class ClientOptions {
    /** Default of {@link Builder#maxInFlight(int)}. */
    public static final int DEFAULT_MAX_IN_FLIGHT = InFlight.DEFAULT;
    /** Default of {@link Builder#connectTimeout(Duration)}: 10 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Default of {@link Builder#eventQueueCapacity(int)}: events kept until the application takes them. */
    public static final int DEFAULT_EVENT_QUEUE_CAPACITY = ClientSession.DEFAULT_EVENT_QUEUE;
    /** Default cap of {@link Builder#record(Path)}: 64 MiB. */
    public static final long DEFAULT_RECORD_MAX_BYTES = 64L * 1024 * 1024;

    private final Values v;

    private ClientOptions(Values v) {
        this.v = v;
    }

    /** A builder with the defaults: system trust, {@value #DEFAULT_MAX_IN_FLIGHT} in flight, 10 s to connect. */
    public static Builder builder() {
        return new Builder(new Values());
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        return new Builder(v.copy());
    }

    /** Trust exactly the certificate with this SHA-256 fingerprint (hex, any case, ':' separators allowed). */
    public static ClientOptions pinned(String sha256Fingerprint) {
        return builder().pinned(sha256Fingerprint).build();
    }

    /** Trust the JDK's default trust store, with host name verification: the default. */
    public static ClientOptions systemTrust() {
        return builder().systemTrust().build();
    }

    /** Trust the certificates in this PEM file, with host name verification. */
    public static ClientOptions trust(Path pemCertificates) {
        return builder().trust(pemCertificates).build();
    }

    /** Trust any certificate. Insecure: anyone on the path can read and change the traffic. Logs a WARN on every connect. */
    public static ClientOptions insecureTrustAll() {
        return builder().insecureTrustAll().build();
    }

    /** The pinned fingerprint (normalized lowercase hex), or {@code null} when not pinning. */
    public String pinnedFingerprint() {
        return v.trust == TrustMode.PINNED ? v.pin : null;
    }

    /** The trusted PEM bundle, or {@code null} when not set. */
    public Path trustedCertificates() {
        return v.caBundle;
    }

    /** Whether every certificate is accepted ({@link #insecureTrustAll()}). */
    public boolean isInsecureTrustAll() {
        return v.trust == TrustMode.TRUST_ALL;
    }

    /** Whether {@code ws://} URIs (no TLS) are allowed. */
    public boolean isInsecurePlaintext() {
        return v.plaintext;
    }

    /** The most calls this client keeps in flight on one connection (the server may allow fewer). */
    public int maxInFlight() {
        return v.maxInFlight;
    }

    /** The time allowed for TCP, TLS, the upgrade and the server's hello together. */
    public Duration connectTimeout() {
        return v.connectTimeout;
    }

    /** The most events kept for the application ({@code client.events()}) before new ones are dropped and counted. */
    public int eventQueueCapacity() {
        return v.eventQueueCapacity;
    }

    /**
     * The extra headers of the upgrade request ({@link Builder#header(String, String)}), name and
     * value, in the order they were added.
     */
    public List<Map.Entry<String, String>> headers() {
        return v.headers;
    }

    /** When this client pings a silent server and when it gives the connection up ({@link Builder#keepAlive(KeepAlive)}). */
    public KeepAlive keepAlive() {
        return v.keepAlive;
    }

    /**
     * The deadline of every call made without one of its own ({@link Builder#defaultDeadline(Duration)}),
     * or {@code null} for none (the default).
     */
    public Duration defaultDeadline() {
        return v.defaultDeadline;
    }

    /** Whether this client offers permessage-deflate, and its threshold ({@link Builder#compression(Compression)}). */
    public Compression compression() {
        return v.compression;
    }

    /** The local address the client's socket binds to before connecting ({@link Builder#localAddress}), or {@code null} for any. */
    public InetAddress localAddress() {
        return v.localAddress;
    }

    /** The network interface the client's socket binds to before connecting ({@link Builder#localInterface}), or {@code null}. */
    public String localInterface() {
        return v.localInterface;
    }

    /** The file every connection made with these options is recorded to ({@link Builder#record(Path)}), or {@code null}. */
    public Path recordFile() {
        return v.recordFile;
    }

    /** The largest recording file ({@link Builder#record(Path, long)}); meaningful when {@link #recordFile()} is set. */
    public long recordMaxBytes() {
        return v.recordFile == null ? DEFAULT_RECORD_MAX_BYTES : v.recordMaxBytes;
    }

    /**
     * Whether recordings keep the credentials of the HTTP upgrade in clear
     * ({@link Builder#recordCredentials(boolean)}); false (masked) by default.
     */
    public boolean recordCredentials() {
        return v.recordCredentials;
    }

    /**
     * Whether the connections made with these options run on the process's shared busy-polling I/O
     * thread ({@link Builder#busyPoll(boolean)}).
     */
    public boolean busyPoll() {
        return v.busyPoll;
    }

    /** The application's group the connections run on ({@link Builder#group(ClientGroup)}), or {@code null}. */
    public ClientGroup group() {
        return v.group;
    }

    /** The I/O threads a connection made with these options runs on. */
    IoThreads ioThreads() {
        if (v.group != null) {
            return v.group.ioThreads();
        }
        return v.busyPoll ? Transports.busyPollClientGroup() : Transports.clientGroup();
    }

    /** The other servers to fail over to ({@link Builder#failover(URI...)}), in order; empty by default. */
    public List<URI> failover() {
        return v.failover;
    }

    /** The reconnect policy ({@link Builder#reconnect(ReconnectPolicy)}), or {@code null}: no automatic reconnect. */
    public ReconnectPolicy reconnectPolicy() {
        return v.reconnect;
    }

    /** The interceptors run for every call, in order ({@link Builder#interceptor}); empty for none. */
    public List<ClientInterceptor> interceptors() {
        return v.interceptors;
    }

    /** The traffic observer ({@link Builder#observer(RpcObserver)}), or {@code null}. */
    public @Nullable RpcObserver observer() {
        return v.observer;
    }

    /** The listener of the connection's lifecycle ({@link Builder#connectionListener}), or {@code null}. */
    public ConnectionListener connectionListener() {
        return v.connectionListener;
    }

    /** The age at which a connection is proactively replaced ({@link Builder#reconnectAfter}), or {@code null}. */
    public Duration reconnectAfter() {
        return v.reconnectAfter;
    }

    TrustMode trustMode() {
        return v.trust;
    }

    @Override
    public String toString() {
        return "ClientOptions[trust=" + v.trust + (v.pin == null ? "" : " " + v.pin) + (v.caBundle == null ? "" : " " + v.caBundle)
                + ", maxInFlight=" + v.maxInFlight + ", connectTimeout=" + v.connectTimeout
                + ", eventQueueCapacity=" + v.eventQueueCapacity + ", " + v.keepAlive
                + (v.reconnect == null ? "" : ", reconnect=" + v.reconnect)
                + (v.reconnectAfter == null ? "" : ", reconnectAfter=" + v.reconnectAfter)
                + (v.defaultDeadline == null ? "" : ", defaultDeadline=" + v.defaultDeadline) + (v.plaintext ? ", insecurePlaintext" : "")
                + (v.compression.isEnabled() ? ", " + v.compression : "")
                + (v.localAddress == null ? "" : ", localAddress=" + v.localAddress.getHostAddress())
                + (v.localInterface == null ? "" : ", localInterface=" + v.localInterface)
                + (v.recordFile == null ? "" : ", record=" + v.recordFile + (v.recordCredentials ? " with credentials" : ""))
                + (v.busyPoll ? ", busyPoll" : "") + (v.group == null ? "" : ", group=" + v.group)
                + (v.headers.isEmpty() ? "" : ", headers=" + v.headers.stream().map(Map.Entry::getKey).toList()) + "]";
    }

    /**
     * The settings, one immutable field each: what a builder fills in and an options value keeps. A new
     * setting costs a field here, a setter on the builder and an accessor.
     */
    private static final class Values extends Settings.Copyable<Values> {
        TrustMode trust = TrustMode.SYSTEM;
        String pin;
        Path caBundle;
        int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        boolean plaintext;
        int eventQueueCapacity = DEFAULT_EVENT_QUEUE_CAPACITY;
        List<Map.Entry<String, String>> headers = List.of();
        KeepAlive keepAlive = KeepAlive.defaults();
        ReconnectPolicy reconnect;
        ConnectionListener connectionListener;
        Duration reconnectAfter;
        Duration defaultDeadline;
        Compression compression = Compression.off();
        InetAddress localAddress;
        String localInterface;
        Path recordFile;
        long recordMaxBytes = DEFAULT_RECORD_MAX_BYTES;
        boolean recordCredentials;
        boolean busyPoll;
        ClientGroup group;
        List<URI> failover = List.of();
        RpcObserver observer;
        List<ClientInterceptor> interceptors = List.of();
    }

    /** Builds {@link ClientOptions}. Not thread-safe. */
    public static final class Builder {
        private final Values v;

        private Builder(Values v) {
            this.v = v;
        }

        /**
         * Trusts exactly the certificate with this SHA-256 fingerprint; a mismatch fails the connect
         * with a message naming both fingerprints. Replaces any other trust setting.
         *
         * @throws IllegalArgumentException unless it is 64 hex digits (':' separators and any case allowed)
         */
        public Builder pinned(String sha256Fingerprint) {
            Objects.requireNonNull(sha256Fingerprint, "sha256Fingerprint");
            v.pin = Fingerprints.normalize(sha256Fingerprint);
            v.trust = TrustMode.PINNED;
            v.caBundle = null;
            return this;
        }

        /** Trusts the JDK's default trust store, with host name verification (the default). */
        public Builder systemTrust() {
            v.trust = TrustMode.SYSTEM;
            v.pin = null;
            v.caBundle = null;
            return this;
        }

        /**
         * Trusts the certificates in a PEM file, with host name verification.
         *
         * @throws IllegalArgumentException if the file does not exist
         */
        public Builder trust(Path pemCertificates) {
            Objects.requireNonNull(pemCertificates, "pemCertificates");
            if (!Files.isRegularFile(pemCertificates)) {
                throw new IllegalArgumentException("pemCertificates: " + pemCertificates + " (expected: a PEM file)");
            }
            v.trust = TrustMode.CUSTOM_CA;
            v.caBundle = pemCertificates;
            v.pin = null;
            return this;
        }

        /** Trusts any certificate. Insecure; logs a WARN on every connect. */
        public Builder insecureTrustAll() {
            v.trust = TrustMode.TRUST_ALL;
            v.pin = null;
            v.caBundle = null;
            return this;
        }

        /**
         * The most calls kept in flight on one connection; the server's limit applies if smaller. A
         * call over the limit waits for a free slot. Default {@value ClientOptions#DEFAULT_MAX_IN_FLIGHT}.
         *
         * @throws IllegalArgumentException unless 1..65535
         */
        public Builder maxInFlight(int maxInFlight) {
            v.maxInFlight = InFlight.check(maxInFlight);
            return this;
        }

        /**
         * The time allowed to connect: TCP, TLS, the WebSocket upgrade and the server's hello
         * together. Default 10 seconds.
         *
         * @throws IllegalArgumentException unless positive
         */
        public Builder connectTimeout(Duration connectTimeout) {
            v.connectTimeout = Settings.positive("connectTimeout", connectTimeout);
            return this;
        }

        /**
         * Keepalive and idle timeout of the connection, once it is open (see {@link KeepAlive}). Giving
         * up closes the TCP connection at once (no close handshake: the server is presumably gone), and
         * every pending call fails with {@code CONNECTION_LOST} "... was lost: no data from the server
         * for 90 s"; new calls fail at once (or wait for a {@link #reconnect reconnect}). Default
         * {@link KeepAlive#defaults()}: ping every 30 s, give up after 90 s.
         */
        public Builder keepAlive(KeepAlive keepAlive) {
            v.keepAlive = Objects.requireNonNull(keepAlive, "keepAlive");
            return this;
        }

        /** Reconnects automatically with {@link ReconnectPolicy#defaults()}; see {@link #reconnect(ReconnectPolicy)}. */
        public Builder reconnect() {
            return reconnect(ReconnectPolicy.defaults());
        }

        /**
         * Other servers of the same service (for example the other nodes of a cluster) to fail over to.
         * The client connects to the URI given to {@code connect} first; if that first connect fails,
         * it tries these in order before failing. With {@link #reconnect(ReconnectPolicy)}, every later
         * connection (after a loss, after GO_AWAY, or to replace an aged one) goes to the next server in
         * the ring (the given URI, then these, then the given URI again), with the reconnect semantics
         * documented there. Each must have the same scheme ({@code ws} or {@code wss}) as the given URI;
         * with TLS, every server's certificate must pass the same trust check. Replaces any previous
         * list; none by default.
         */
        public Builder failover(URI... servers) {
            List<URI> list = new ArrayList<>();
            for (URI u : servers) {
                list.add(Objects.requireNonNull(u, "server"));
            }
            v.failover = List.copyOf(list);
            return this;
        }

        /**
         * Reconnects automatically when the connection is lost (server restart, network cut, keepalive
         * timeout, the server's GO_AWAY), after the delays of {@code policy}, until it succeeds, the
         * policy's attempts run out, or the application closes the client. The client object stays the
         * same; on each new connection it runs the whole handshake again and gets a fresh state snapshot
         * (state listeners are told of the change) and feature set.
         * <ul>
         *   <li>Calls pending when the connection is lost fail with {@code CONNECTION_LOST} (the server may
         *       or may not have run them), except {@code @Idempotent} methods, which are sent again on the
         *       new connection within their deadline.</li>
         *   <li>Calls made while disconnected wait for the new connection up to their deadline (or the
         *       policy's {@link ReconnectPolicy#callWait() callWait}), then fail.</li>
         *   <li>The event stream goes on across connections; the first event after a reconnect has
         *       {@code Event.afterReconnect()} set, because events emitted meanwhile were not received.</li>
         *   <li>When the server sends GO_AWAY (a graceful shutdown), the client connects again at once
         *       while the old connection answers its in-flight calls.</li>
         *   <li>The first connect is not retried: {@code connect} fails as without this option.</li>
         *   <li>A server that answers the upgrade with 401, 403 or an incompatible contract is not tried
         *       again: the client closes with that error.</li>
         * </ul>
         * Default {@code null}: no reconnect; a lost connection closes the client.
         *
         * @param policy the backoff, or {@code null} for no reconnect
         */
        public Builder reconnect(ReconnectPolicy policy) {
            v.reconnect = policy;
            return this;
        }

        /**
         * Told of each step of the connection's life ({@link ConnectionEvent}): connecting, connected,
         * disconnected (and why), reconnecting (attempt and delay), closed. Default {@code null}.
         */
        public Builder connectionListener(ConnectionListener listener) {
            v.connectionListener = listener;
            return this;
        }

        /**
         * Replaces each connection once it is {@code age} old (±10% at random, so many clients spread
         * out): a new connection is made first, new calls go to it as soon as it is ready, and the old
         * one closes once its pending calls are answered (make before break: no call fails and no call
         * waits). For servers behind load balancers that should rebalance long-lived connections, or
         * credentials that should be presented again. If the new connection cannot be made, the old one
         * stays and the attempt is repeated after the reconnect policy's delays. Uses the reconnect
         * policy ({@link ReconnectPolicy#defaults()} if none is set). Default {@code null}: never.
         *
         * @param age the age, at least one second, or {@code null} for never
         */
        public Builder reconnectAfter(Duration age) {
            if (age != null && age.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("reconnectAfter: " + age + " (expected: >= 1 s)");
            }
            v.reconnectAfter = age;
            return this;
        }

        /**
         * The deadline of every call made without one of its own (a call made through
         * {@code channel().withDeadline(d)} or a generated client's {@code withDeadline(d)} uses
         * {@code d} instead), counted from the moment the call is made, the wait for a free call slot
         * included. When it passes before the answer, the call fails with {@code DEADLINE_EXCEEDED}
         * ("Service.method did not complete within 2 s") and the server is sent a cancel, which
         * interrupts the handler. Default: none, a call waits for its answer as long as the connection
         * lives.
         *
         * @param deadline the deadline, or {@code null} for none
         * @throws IllegalArgumentException unless {@code null} or positive
         */
        public Builder defaultDeadline(Duration deadline) {
            v.defaultDeadline = deadline == null ? null : Settings.positive("defaultDeadline", deadline);
            return this;
        }

        /**
         * Whether to offer permessage-deflate in the WebSocket upgrade, and from which message size this
         * client compresses (see {@link Compression}). A compressed message from the server may inflate
         * to at most the client's message size limit (16 MiB), or the connection fails. Default
         * {@link Compression#off()}.
         */
        public Builder compression(Compression compression) {
            v.compression = Objects.requireNonNull(compression, "compression");
            return this;
        }

        /**
         * The local address the client's socket binds to before it connects (an ephemeral port is
         * picked): to choose the network interface or source address, say on a host with several.
         * Connecting fails ({@code UNAVAILABLE}) if the address cannot be bound, or cannot reach the
         * server. Default {@code null}: the operating system chooses.
         *
         * @param address the local address, or {@code null} for any
         */
        public Builder localAddress(InetAddress address) {
            v.localAddress = address;
            return this;
        }

        /**
         * The network interface the client's socket binds to before it connects, by name
         * ({@code "eth1"}, {@code "lo"}): the socket binds to the interface's address of the server's
         * family (IPv4 or IPv6), looked up at each connect and reconnect, so an address the interface
         * gets later is used. Connecting fails ({@code UNAVAILABLE}, naming the interface) if there is no
         * such interface, it is down, or it has no address of that family. Set this or
         * {@link #localAddress}, not both. Default {@code null}: the operating system chooses.
         *
         * @param name the interface's name, or {@code null} for any
         */
        public Builder localInterface(String name) {
            if (name != null && name.isBlank()) {
                throw new IllegalArgumentException("localInterface: a blank name (expected: an interface name such as eth0)");
            }
            v.localInterface = name;
            return this;
        }

        /**
         * Allows {@code ws://} URIs: no encryption, no server authentication. For tests and trusted
         * networks only; logs a WARN on every plaintext connect. {@code wss://} URIs still use TLS.
         */
        public Builder insecurePlaintext() {
            v.plaintext = true;
            return this;
        }

        /**
         * The most events kept for the application: received events wait in a bounded queue until
         * {@code client.events()} takes them; when it is full, a new event is dropped and counted
         * ({@code EventStream.missed()}), and the next event taken reports how many were missed
         * before it ({@code Event.missedBefore()}). So a client that reads events slowly, or not at
         * all, uses bounded memory. Listeners ({@code onEvent}) see every event, full queue or not.
         * Default {@value ClientOptions#DEFAULT_EVENT_QUEUE_CAPACITY}.
         *
         * @throws IllegalArgumentException unless positive
         */
        public Builder eventQueueCapacity(int eventQueueCapacity) {
            v.eventQueueCapacity = Settings.positive("eventQueueCapacity", eventQueueCapacity);
            return this;
        }

        /**
         * Adds a header to the WebSocket upgrade request, for the server's authenticator: credentials
         * such as {@code Authorization: Bearer ...} or {@code Cookie: session=...}. May be called
         * several times, also with the same name (each call adds one header line). Values are sent as
         * given, over TLS (over {@code ws://}, readable by anyone on the path); {@link #toString()}
         * shows the names only.
         *
         * @throws IllegalArgumentException if the name is not an HTTP token, the value holds a control
         *     character (CR, LF, NUL, ...) or a non-ASCII one, or the name is one the WebSocket upgrade itself sets:
         *     {@code Host}, {@code Upgrade}, {@code Connection} or {@code Sec-WebSocket-*}
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.isEmpty() || !name.chars().allMatch(Builder::isTokenChar)) {
                throw new IllegalArgumentException("header name: '" + name.replaceAll("[\\x00-\\x1f\\x7f]", "?")
                        + "' (expected: an HTTP token: letters, digits and !#$%&'*+-.^_`|~)");
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (RESERVED_HEADERS.contains(lower) || lower.startsWith("sec-websocket-")) {
                throw new IllegalArgumentException("header name: '" + name
                        + "' (the WebSocket upgrade sets it: Host, Upgrade, Connection and Sec-WebSocket-* cannot be overridden)");
            }
            if (!value.chars().allMatch(c -> c == '\t' || c >= 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("header value of '" + name
                        + "': contains a control or non-ASCII character, such as CR or LF (expected: a single line of printable ASCII)");
            }
            v.headers = Settings.append(v.headers, Map.entry(name, value));
            return this;
        }

        private static final Set<String> RESERVED_HEADERS = Set.of("host", "upgrade", "connection");

        private static boolean isTokenChar(int c) {
            return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }

        /**
         * Records each connection to {@code file}, up to {@value ClientOptions#DEFAULT_RECORD_MAX_BYTES}
         * bytes; see {@link #record(Path, long)}.
         *
         * @param file the recording, or {@code null} to record nothing (the default)
         */
        public Builder record(Path file) {
            return record(file, DEFAULT_RECORD_MAX_BYTES);
        }

        /**
         * Records each connection to {@code file}, in the format of {@code docs/recording.md}, for
         * {@link Recording#read(Path)} to replay; {@link Recording} says what is recorded, how it is
         * bounded and which credentials are masked. The file is emptied when it exists; a later
         * connection made with the same options writes the same file again, except that a client that
         * reconnects ({@link #reconnect}, {@link #reconnectAfter}) numbers the files of its later
         * connection attempts: {@code calls.hlrec}, {@code calls-2.hlrec}, {@code calls-3.hlrec}, ...
         * A file that cannot be written is logged (WARN) and the connection goes on unrecorded.
         * Default: off.
         *
         * @param file the recording, or {@code null} to record nothing
         * @param maxBytes the cap of each file
         * @throws IllegalArgumentException if the file's directory does not exist, or {@code maxBytes}
         *     is not within 8 KiB..1 GiB
         */
        public Builder record(Path file, long maxBytes) {
            RecordingFormat.checkMaxBytes("record maxBytes", maxBytes);
            if (file == null) {
                v.recordFile = null;
                return this;
            }
            Path dir = file.toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir) || Files.isDirectory(file)) {
                throw new IllegalArgumentException("record file: " + file + " (expected: a file in an existing directory)");
            }
            v.recordFile = file;
            v.recordMaxBytes = maxBytes;
            return this;
        }

        /**
         * Whether {@link #record(Path, long) recordings} keep the credentials of the HTTP upgrade in
         * clear; by default (false) they are masked, as {@link Recording} describes.
         */
        public Builder recordCredentials(boolean record) {
            v.recordCredentials = record;
            return this;
        }

        /**
         * Low-latency mode: the connections made with these options run on one I/O thread of the
         * process that busy-polls, shared by every client with this option. While at least one of
         * those connections is open, the thread never sleeps waiting for the network: it polls the
         * sockets and its task queue in a loop, so an answer is read as soon as it arrives and a call
         * is written without waking a thread up (saving several microseconds per message, more on a
         * virtual machine). <b>The thread uses 100% of a core as long as such a connection is open,
         * even with no traffic</b>; once none is, it sleeps. Worth it only with a core to spare
         * beside the application's own threads. For more threads, or threads the application owns
         * and shuts down, use {@link #group(ClientGroup)} with {@link ClientGroup#busyPoll(int)}.
         * Replaces any {@link #group(ClientGroup)}. Default: off.
         */
        public Builder busyPoll(boolean busyPoll) {
            v.busyPoll = busyPoll;
            v.group = null;
            return this;
        }

        /**
         * Runs the connections made with these options on the application's {@link ClientGroup}
         * (whose threads busy-poll or not, as it was made) instead of the process's shared I/O
         * threads, so many clients share threads the application sized and can shut down. Replaces
         * any {@link #busyPoll(boolean)}.
         */
        public Builder group(ClientGroup group) {
            v.group = Objects.requireNonNull(group, "group");
            v.busyPoll = false;
            return this;
        }

        /**
         * Adds an interceptor run for every call this client sends (see
         * {@link ClientInterceptor}): started in the order added, completed in the reverse
         * order. Default: none, and then nothing of them runs. To send metadata with one call only,
         * attach it to the calling thread instead ({@link dev.hardlight.Metadata#attach()}).
         */
        public Builder interceptor(ClientInterceptor interceptor) {
            v.interceptors = Settings.append(v.interceptors, Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /**
         * Tells {@code observer} of the client's connections, connection changes (reconnects), calls,
         * events and bytes, for metrics and tracing (see {@link RpcObserver}; e.g. hardlight-micrometer's).
         * Default: none, and then nothing is measured. {@code null} removes it.
         */
        public Builder observer(RpcObserver observer) {
            v.observer = observer;
            return this;
        }

        /** Immutable options holding this builder's settings; the builder may be reused. */
        public ClientOptions build() {
            if (v.localAddress != null && v.localInterface != null) {
                throw new IllegalStateException("localAddress(" + v.localAddress.getHostAddress() + ") and localInterface("
                        + v.localInterface + "): set one of them, not both");
            }
            return new ClientOptions(v.copy());
        }
    }
}
