package dev.hardlight.nats;

import dev.hardlight.ClusterBus;
import dev.hardlight.Topic;
import dev.hardlight.TopicChange;
import dev.hardlight.TopicListener;
import dev.hardlight.nats.internal.ClusterTopicNotifier;
import dev.hardlight.nats.internal.Subjects;
import dev.hardlight.nats.internal.TopicTeller;
import io.nats.client.AuthHandler;
import io.nats.client.AuthenticationException;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster mode on NATS: plug one into each node with {@code ServerBuilder.cluster(NatsCluster)}.
 *
 * <p><b>Events across nodes.</b> Each emit is encoded once and published once to NATS, on the
 * subject of its topic ({@code prefix.t<base64url of the topic>}), prefixed with the 8-byte schema
 * hash of the event type. The node's own connection never receives its own messages back (NATS
 * "no echo"); it delivers locally itself. A receiving node checks the hash, then hands the frame to
 * its local subscribers from one shared buffer. Messages are received on one dispatcher thread, so
 * events from one emitter on one topic keep their order on every node (NATS keeps a publisher's order
 * per subject).
 *
 * <p><b>Interest.</b> A node subscribes to a topic's subject only while it has local subscribers to
 * the topic (from its first local subscriber's {@code Created} to its last one's {@code Removed}). The
 * NATS subscription is made just after the first local subscriber joins, asynchronously: events
 * published elsewhere before NATS has it are not received.
 *
 * <p><b>Topic notifier.</b> By default the application's {@code TopicListener} is told of the
 * cluster's topic changes: {@code Created} once in the whole cluster when a topic gets its first
 * subscriber on any node, {@code Removed} once when its last subscriber anywhere leaves, each on one
 * node (the topic's owner). A node that dies loses its subscribers and its duties after
 * {@link Builder#notifierLease(Duration)} (3 s by default). Exactly once as nodes start, stop and
 * die; a {@code Created} told by a node that dies before its state reached the others, or a removal
 * while a node re-syncs after losing NATS on its own, may be told twice (never not at all); under a
 * partition each side tells its own (docs/cluster.md says precisely). {@link Builder#clusterTopicNotifier(boolean) clusterTopicNotifier(false)}
 * keeps the node-local notification of a single server.
 *
 * <p><b>Contract.</b> A message whose hash differs from this node's event contract is dropped and
 * counted ({@link #contractMismatches()}), never delivered; the first one is logged.
 *
 * <p><b>Faults.</b> If NATS cannot be reached at start the server does not start (an
 * {@code IllegalStateException} says why), unless {@link Builder#startDegraded(boolean)}: then the
 * node serves locally and connects when it can. While NATS is lost, local delivery goes on, events
 * for other nodes are dropped and counted ({@link #publishDropped()}, nothing queued), and the
 * client reconnects for ever; on reconnect its subscriptions (the interest) are made again.
 * Received messages wait in a bounded queue ({@link Builder#maxPendingBytes(long)}); beyond it NATS
 * drops them for this node (counted by NATS as a slow consumer).
 *
 * <p>One instance per server. Thread-safe.
 */
public final class NatsCluster implements ClusterBus {
    private static final Logger log = LoggerFactory.getLogger(NatsCluster.class);
    /** The bytes before the frame in a message: the event contract (schema hash), big-endian. */
    static final int HEADER = 8;

    private final Settings settings;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean mismatchLogged = new AtomicBoolean();
    /** The topics with local subscribers; changed on the notifier's thread, read on connect. */
    private final Set<Topic> interest = ConcurrentHashMap.newKeySet();
    private final LongAdder published = new LongAdder();
    private final LongAdder publishDropped = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder mismatches = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private volatile Subjects subjects;
    private volatile Node node;
    private volatile long contract;
    /** Set once connected; guarded by this for the dispatcher's subscriptions. */
    private volatile Connection connection;
    private Dispatcher dispatcher;
    /**
     * Whether the connection is up, from the connection's events: read on every emit instead of
     * {@code Connection.getStatus()}, which waits for a lock the client holds while it reconnects.
     */
    private volatile boolean up;
    /** Messages for the publisher thread; bounded ({@link Builder#maxOutgoing(int)}). */
    private final BlockingQueue<Outgoing> outgoing;
    private Thread publisher;
    /** The NATS client's last connection error (a TLS handshake failure, ...), for the start error. */
    private volatile Exception lastError;
    /** The cluster-wide notifier's thread and its inputs; {@code null} with node-local notification. */
    private Thread notifierThread;
    private final BlockingQueue<byte[]> notifierInbox = new ArrayBlockingQueue<>(4096);
    private final LongAdder notifierDropped = new LongAdder();
    /** Counts connects, reconnects and re-subscriptions: the notifier re-syncs when it changes. */
    private final AtomicInteger connects = new AtomicInteger();
    private volatile boolean localTopicsChanged;
    private volatile int notifierMembers;
    private TopicTeller teller;

    private NatsCluster(Settings settings) {
        this.settings = settings;
        this.outgoing = new ArrayBlockingQueue<>(settings.maxOutgoing);
    }

    /** A builder of a cluster that connects to {@code servers} (NATS URLs such as {@code nats://host:4222}). */
    public static Builder builder(String... servers) {
        return new Builder(servers);
    }

    @Override
    public TopicListener start(Node node, TopicListener application) {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("a NatsCluster serves one server; this one is started already");
        }
        this.node = node;
        this.contract = node.eventContract();
        this.subjects = new Subjects(settings.prefix != null ? settings.prefix : Subjects.defaultPrefix(node.service()));
        Options options = options();
        publisher = Thread.ofPlatform().daemon().name("hl-nats-publish").start(this::publishLoop);
        if (settings.clusterNotifier && application != null) {
            teller = new TopicTeller(application);
            ClusterTopicNotifier notifier = new ClusterTopicNotifier(ThreadLocalRandom.current().nextLong(),
                    ThreadLocalRandom.current().nextLong(), settings.notifierLease.toNanos(), new NotifierTransport(),
                    teller::tell);
            notifierThread = Thread.ofPlatform().daemon().name("hl-nats-notifier").start(() -> notifierLoop(notifier));
        }
        if (settings.startDegraded) {
            try {
                Nats.connectAsynchronously(options, true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while connecting to NATS", e);
            }
        } else {
            try {
                connected(Nats.connect(options));
            } catch (IOException e) {
                close();
                throw new IllegalStateException(startError(e), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while connecting to NATS", e);
            }
        }
        if (notifierThread != null) {
            return change -> {
                interestChanged(change);
                localTopicsChanged = true;
                notifierInbox.offer(WAKE);
            };
        }
        return change -> {
            interestChanged(change);
            if (application != null) {
                application.topicChanged(change);
            }
        };
    }

    private String startError(IOException e) {
        String m = "cannot connect to NATS at " + String.join(", ", settings.servers) + ": " + e.getMessage();
        if (e instanceof AuthenticationException) {
            return m + " (check the credentials: userInfo, token or nkeySeed, and the server's authorization)";
        }
        Exception last = lastError;
        Throwable root = last;
        while (root != null && root.getCause() != null) {
            root = root.getCause();
        }
        return m + (root != null ? " (last error: " + root + ")" : "")
                + " (start nats-server, check tls(...) against the server's TLS settings, or set startDegraded(true) "
                + "to serve locally until it can be reached)";
    }

    private Options options() {
        Options.Builder b = new Options.Builder()
                .servers(settings.servers)
                .connectionName("hardlight:" + node.service())
                .noEcho()
                .maxReconnects(-1)
                .reconnectWait(settings.reconnectWait)
                .connectionTimeout(settings.connectTimeout)
                .reconnectBufferSize(0)
                .maxMessagesInOutgoingQueue(settings.maxOutgoing)
                .connectionListener(this::connectionEvent)
                .errorListener(new ErrorListener() {
                    @Override
                    public void exceptionOccurred(Connection conn, Exception exp) {
                        lastError = exp;
                    }
                });
        if (settings.user != null) {
            b.userInfo(settings.user.toCharArray(), settings.password);
        }
        if (settings.token != null) {
            b.token(settings.token);
        }
        if (settings.nkeySeed != null) {
            b.authHandler(nkeyAuth(settings.nkeySeed));
        }
        if (settings.sslContext != null) {
            b.sslContext(settings.sslContext);
        }
        return b.build();
    }

    private static AuthHandler nkeyAuth(char[] seed) {
        NKey key = NKey.fromSeed(seed);
        return new AuthHandler() {
            @Override
            public byte[] sign(byte[] nonce) {
                try {
                    return key.sign(nonce);
                } catch (GeneralSecurityException | IOException e) {
                    throw new IllegalStateException("cannot sign the NATS nonce with the NKey", e);
                }
            }

            @Override
            public char[] getID() {
                try {
                    return key.getPublicKey();
                } catch (GeneralSecurityException | IOException e) {
                    throw new IllegalStateException("cannot derive the NKey's public key", e);
                }
            }

            @Override
            public char[] getJWT() {
                return null;
            }
        };
    }

    private void connectionEvent(Connection c, ConnectionListener.Events type) {
        switch (type) {
            case CONNECTED -> {
                log.info("cluster: connected to NATS {}", c.getConnectedUrl());
                connected(c);
            }
            case DISCONNECTED -> {
                up = false;
                log.warn("cluster: NATS connection lost; events for other nodes are dropped until it is back");
            }
            case CLOSED -> up = false;
            case RECONNECTED -> {
                up = true;
                connects.incrementAndGet();
                log.info("cluster: reconnected to NATS {}", c.getConnectedUrl());
            }
            case RESUBSCRIBED -> {
                connects.incrementAndGet();
                log.info("cluster: interest in {} topics re-established", interest.size());
            }
            default -> { }
        }
    }

    /** The first connection: the dispatcher and the subscriptions of the topics with local subscribers. */
    private synchronized void connected(Connection c) {
        if (dispatcher != null || closed.get()) {
            return;
        }
        connection = c;
        dispatcher = c.createDispatcher(this::onMessage);
        dispatcher.setPendingLimits(-1, settings.maxPendingBytes);
        for (Topic t : interest) {
            dispatcher.subscribe(subjects.subject(t));
        }
        if (notifierThread != null) {
            // its own dispatcher (thread): heartbeats must not wait behind a flood of events
            c.createDispatcher(m -> {
                if (!notifierInbox.offer(m.getData())) {
                    notifierDropped.increment(); // the protocol recovers: heartbeats ask for lost states
                }
            }).subscribe(subjects.prefix() + ".nodes");
        }
        up = true;
        connects.incrementAndGet();
    }

    private synchronized void interestChanged(TopicChange change) {
        if (closed.get()) {
            return;
        }
        if (change instanceof TopicChange.Created) {
            if (interest.add(change.topic()) && dispatcher != null) {
                dispatcher.subscribe(subjects.subject(change.topic()));
            }
        } else if (interest.remove(change.topic()) && dispatcher != null) {
            dispatcher.unsubscribe(subjects.subject(change.topic()));
        }
    }

    private void onMessage(Message m) {
        byte[] data = m.getData();
        if (data == null || data.length < HEADER + 2) {
            malformed.increment();
            return;
        }
        long hash = ByteBuffer.wrap(data, 0, HEADER).getLong();
        if (hash != contract) {
            mismatches.increment();
            if (mismatchLogged.compareAndSet(false, true)) {
                log.error("cluster: dropping events from a node with another event contract (schema hash {} here, {} "
                        + "received on {}); every node of a cluster must serve the same event type. Logged once; "
                        + "see NatsCluster.contractMismatches()", Long.toHexString(contract), Long.toHexString(hash),
                        m.getSubject());
            }
            return;
        }
        int n = node.deliver(data, HEADER, data.length - HEADER);
        if (n < 0) {
            malformed.increment();
            return;
        }
        received.increment();
        delivered.add(n);
    }

    /**
     * Queues the message for the publisher thread; drops and counts it when NATS is known to be away
     * or the queue is full. Never blocks: the NATS client may hold the caller while it reconnects.
     */
    @Override
    public void publish(Topic topic, ByteBuffer frame) {
        if (connection == null || !up || closed.get()) {
            publishDropped.increment();
            return;
        }
        byte[] body = new byte[HEADER + frame.remaining()];
        ByteBuffer.wrap(body).putLong(contract).put(frame.duplicate());
        if (!outgoing.offer(new Outgoing(subjects.subject(topic), body))) {
            publishDropped.increment();
        }
    }

    private record Outgoing(String subject, byte[] body) {}

    private static final Outgoing STOP = new Outgoing("", new byte[0]);

    /** The publisher thread: hands the queued messages to NATS in order. */
    private void publishLoop() {
        while (true) {
            Outgoing m;
            try {
                m = outgoing.take();
            } catch (InterruptedException e) {
                return;
            }
            if (m == STOP) {
                return;
            }
            Connection c = connection;
            if (c.getStatus() != Connection.Status.CONNECTED) {
                publishDropped.increment(); // nothing kept for later: the reconnect buffer is not used
                continue;
            }
            try {
                c.publish(m.subject, m.body);
                published.increment();
            } catch (RuntimeException e) {
                publishDropped.increment(); // lost (no reconnect buffer) or closing just now
            }
        }
    }

    private static final byte[] WAKE = new byte[0];

    /** The notifier's thread: owns the notifier; feeds it messages, local changes and the clock. */
    private void notifierLoop(ClusterTopicNotifier notifier) {
        long tick = Math.min(TimeUnit.MILLISECONDS.toNanos(50), settings.notifierLease.toNanos() / 12);
        int seenConnects = 0;
        boolean wasUp = false;
        List<byte[]> batch = new ArrayList<>();
        while (!closed.get()) {
            byte[] first;
            try {
                first = notifierInbox.poll(tick, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                break;
            }
            long now = System.nanoTime();
            boolean isUp = up && connection != null;
            int n = connects.get();
            if (isUp && (n != seenConnects || !wasUp)) {
                seenConnects = n;
                notifier.connected(now);
            } else if (!isUp && wasUp) {
                notifier.disconnected();
            }
            wasUp = isUp;
            if (localTopicsChanged) {
                localTopicsChanged = false;
                notifier.localTopics(Set.copyOf(interest));
            }
            if (first != null && first != WAKE) {
                notifier.received(first, now);
            }
            notifierInbox.drainTo(batch, 256);
            for (byte[] m : batch) {
                if (m != WAKE) {
                    notifier.received(m, now);
                }
            }
            batch.clear();
            try {
                notifier.tick(now);
            } catch (RuntimeException e) {
                log.error("cluster: topic notifier failed", e);
            }
            notifierMembers = notifier.members();
        }
        notifier.leave();
        notifierMembers = 0;
    }

    /** Publishes the notifier's messages directly (they are small and rare), only while connected. */
    private final class NotifierTransport implements ClusterTopicNotifier.Transport {
        @Override
        public void publish(byte[] message) {
            Connection c = connection;
            if (c == null || !up) {
                return;
            }
            try {
                c.publish(subjects.prefix() + ".nodes", message);
            } catch (RuntimeException e) {
                // lost or closing: the heartbeats and state requests recover
            }
        }

        @Override
        public int maxPayload() {
            Connection c = connection;
            long max = c == null ? 0 : c.getMaxPayload();
            return max <= 0 ? 1 << 20 : (int) Math.min(max, 8 << 20);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Connection c;
        synchronized (this) {
            c = connection;
        }
        try {
            if (notifierThread != null) {
                notifierInbox.offer(WAKE);
                notifierThread.join(2000); // it says goodbye (its told topics go to the others) and stops
                teller.close();
            }
            if (publisher != null) {
                outgoing.clear();
                outgoing.offer(STOP);
                publisher.join(2000);
            }
            if (c != null) {
                try {
                    c.flush(Duration.ofMillis(500));
                } catch (TimeoutException | RuntimeException e) {
                    // closing anyway
                }
                c.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Events handed to NATS (one per emit while connected). */
    public long published() {
        return published.sum();
    }

    /** Events emitted here that could not go to the other nodes (NATS lost or not yet reached). */
    public long publishDropped() {
        return publishDropped.sum();
    }

    /** Events received from other nodes and delivered here (to zero or more local connections). */
    public long received() {
        return received.sum();
    }

    /** Deliveries to local connections of events received from other nodes. */
    public long delivered() {
        return delivered.sum();
    }

    /** Messages dropped because their event contract differs from this node's. */
    public long contractMismatches() {
        return mismatches.sum();
    }

    /** Messages dropped because they are not an event frame. */
    public long malformed() {
        return malformed.sum();
    }

    /** Whether the NATS connection is up now. */
    public boolean isConnected() {
        Connection c = connection;
        return c != null && up && c.getStatus() == Connection.Status.CONNECTED;
    }

    /**
     * The nodes the cluster-wide topic notifier of this node counts as members, itself included once it
     * is one (it joins one third of the lease after connecting); 0 with node-local notification or
     * while disconnected from NATS.
     */
    public int notifierMembers() {
        return notifierMembers;
    }

    /** The topics this node listens to on NATS (those with local subscribers). */
    public int interestCount() {
        return interest.size();
    }

    /** The NATS subject of {@code topic} under this cluster's prefix (known once started). */
    public String subject(Topic topic) {
        Subjects s = subjects;
        if (s == null) {
            throw new IllegalStateException("not started");
        }
        return s.subject(topic);
    }

    @Override
    public String toString() {
        return "NatsCluster" + List.of(settings.servers);
    }

    private static final class Settings {
        String[] servers;
        String prefix;
        String user;
        char[] password;
        char[] token;
        char[] nkeySeed;
        SSLContext sslContext;
        boolean startDegraded;
        Duration reconnectWait = Duration.ofMillis(500);
        Duration connectTimeout = Duration.ofSeconds(2);
        long maxPendingBytes = 64L << 20;
        int maxOutgoing = 8192;
        boolean clusterNotifier = true;
        Duration notifierLease = DEFAULT_LEASE;
    }

    /** The default {@link Builder#notifierLease(Duration)}. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(3);

    /** Collects the settings of a {@link NatsCluster}; not thread-safe. */
    public static final class Builder {
        private final Settings s = new Settings();

        private Builder(String... servers) {
            if (servers.length == 0) {
                throw new IllegalArgumentException("at least one NATS server URL");
            }
            List<String> list = new ArrayList<>();
            for (String url : servers) {
                list.add(Objects.requireNonNull(url, "server"));
            }
            s.servers = list.toArray(String[]::new);
        }

        /**
         * The subject prefix: dot-separated tokens of {@code A-Z a-z 0-9 _ -}, at most 256 characters.
         * Nodes of one cluster must use the same one; clusters sharing NATS must use different ones.
         * Default {@code hl.} followed by the service's name.
         */
        public Builder prefix(String prefix) {
            s.prefix = Subjects.checkPrefix(prefix);
            return this;
        }

        /** Authenticates to NATS with a user name and password. */
        public Builder userInfo(String user, char[] password) {
            s.user = Objects.requireNonNull(user, "user");
            s.password = Objects.requireNonNull(password, "password").clone();
            return this;
        }

        /** Authenticates to NATS with a token. */
        public Builder token(char[] token) {
            s.token = Objects.requireNonNull(token, "token").clone();
            return this;
        }

        /** Authenticates to NATS with an NKey, given by its seed ({@code SU...}). */
        public Builder nkeySeed(char[] seed) {
            s.nkeySeed = Objects.requireNonNull(seed, "seed").clone();
            return this;
        }

        /** Connects to NATS over TLS with this context (its trust decides which servers are accepted). */
        public Builder tls(SSLContext context) {
            s.sslContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /**
         * Whether the server starts when NATS cannot be reached: {@code false} (default) fails the start
         * with an {@code IllegalStateException}; {@code true} serves locally and connects in the
         * background, dropping (and counting) events for other nodes until then.
         */
        public Builder startDegraded(boolean degraded) {
            s.startDegraded = degraded;
            return this;
        }

        /** The pause between reconnect attempts (default 500 ms); reconnects never stop. */
        public Builder reconnectWait(Duration wait) {
            s.reconnectWait = positive(wait, "reconnectWait");
            return this;
        }

        /** How long one connect attempt may take (default 2 s). */
        public Builder connectTimeout(Duration timeout) {
            s.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** The most received bytes waiting for delivery here (default 64 MiB); NATS drops beyond it. */
        public Builder maxPendingBytes(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxPendingBytes: at least 1024, got " + bytes);
            }
            s.maxPendingBytes = bytes;
            return this;
        }

        /**
         * The most events waiting to be handed to NATS (default 8192); an emit beyond it is dropped for
         * the other nodes and counted. Emits never wait for NATS.
         */
        public Builder maxOutgoing(int messages) {
            if (messages < 1) {
                throw new IllegalArgumentException("maxOutgoing: at least 1, got " + messages);
            }
            s.maxOutgoing = messages;
            return this;
        }

        /**
         * Whether the application's {@code TopicListener} hears the cluster's topic changes (default
         * {@code true}: each change told once, on one node) or, with {@code false}, this node's own, as a
         * single server does (each node with subscribers to a topic hears its own {@code Created}).
         */
        public Builder clusterTopicNotifier(boolean clusterWide) {
            s.clusterNotifier = clusterWide;
            return this;
        }

        /**
         * How long a node that is not heard from any more keeps its subscribers and its notifier duties
         * (default 3 s, at least 300 ms); it heartbeats every third of it. Every node of a cluster must
         * use the same lease. A node whose process dies has its topics {@code Removed} (if no other node
         * holds them) within the lease and about one heartbeat; a pause longer than the lease (a long GC,
         * a stopped process) makes the others take its topics over, and changes may then be told twice.
         */
        public Builder notifierLease(Duration lease) {
            if (positive(lease, "notifierLease").toMillis() < 300) {
                throw new IllegalArgumentException("notifierLease: at least 300 ms, got " + lease);
            }
            s.notifierLease = lease;
            return this;
        }

        public NatsCluster build() {
            Settings copy = new Settings();
            copy.servers = s.servers.clone();
            copy.prefix = s.prefix;
            copy.user = s.user;
            copy.password = s.password;
            copy.token = s.token;
            copy.nkeySeed = s.nkeySeed;
            copy.sslContext = s.sslContext;
            copy.startDegraded = s.startDegraded;
            copy.reconnectWait = s.reconnectWait;
            copy.connectTimeout = s.connectTimeout;
            copy.maxPendingBytes = s.maxPendingBytes;
            copy.maxOutgoing = s.maxOutgoing;
            copy.clusterNotifier = s.clusterNotifier;
            copy.notifierLease = s.notifierLease;
            return new NatsCluster(copy);
        }

        private static Duration positive(Duration d, String what) {
            if (Objects.requireNonNull(d, what).isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + ": positive, got " + d);
            }
            return d;
        }
    }
}
