package dev.hardlight.netty.internal;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.internal.protocol.ClientEventQueue;
import dev.hardlight.netty.ConnectionEvent;
import dev.hardlight.netty.ReconnectPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a client's current link: installs each link as it becomes ready, reconnects after a loss
 * (with the backoff of a {@link ReconnectPolicy}, or closes the client when it has none), replaces
 * aged links and links whose server goes away (make before break), and retires the old ones once
 * their calls are answered.
 *
 * <p>Thread rule: the link fields are guarded by {@code lock} ({@code current} is also volatile for
 * readers without it); the {@link LinkListener} methods run on the link's event loop; the reconnect
 * and replace loops run on a virtual thread each.
 */
final class LinkSupervisor implements LinkListener {
    private static final Logger log = LoggerFactory.getLogger(LinkSupervisor.class);
    /** How long an aged-out link may take to answer its pending calls before it is closed anyway. */
    private static final long RETIRE_DRAIN_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final ClientConfig config;
    /** Whether a loss starts reconnecting (the client has a policy) or closes the client. */
    private final boolean reconnects;
    /** The delays between attempts: the client's policy, or the defaults for replacing aged links. */
    private final ReconnectPolicy policy;
    private final Duration maxAge; // null: links are not replaced for age
    private final ClientEventQueue events;
    private final ClientListeners listeners;
    private final Set<NettyRpcChannel> retiring = ConcurrentHashMap.newKeySet();
    /** Counts the connections attempted, numbering their recording files. */
    private final AtomicInteger connections = new AtomicInteger();

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever {@code current} or {@code closed} changes. */
    private final Condition changed = lock.newCondition();
    /**
     * The link calls go to; null while disconnected. Written under lock (with {@code changed}
     * signalled); volatile because calls, {@code isOpen()} and the link's listeners read it without.
     */
    private volatile NettyRpcChannel current;
    /** Guarded by lock: why the client is closed, once it is. */
    private RpcException closed;
    /** Guarded by lock: whether a link was ever ready (so the next one is a reconnect). */
    private boolean everConnected;
    /** Guarded by lock: counts losses; a reconnect loop stops once a newer loss started another. */
    private int generation;
    /** Guarded by lock: the running reconnect loop, interrupted by close. */
    private Thread reconnectThread;

    /**
     * @param policy {@code null}: a lost connection closes the client
     * @param maxAge {@code null}: connections are not replaced for age
     */
    LinkSupervisor(ClientConfig config, ReconnectPolicy policy, Duration maxAge, ClientEventQueue events,
                   ClientListeners listeners) {
        this.config = config;
        this.reconnects = policy != null;
        this.policy = reconnects ? policy : ReconnectPolicy.defaults();
        this.maxAge = maxAge;
        this.events = events;
        this.listeners = listeners;
    }

    /** Makes the first link (not retried: its failure closes the client and is thrown). */
    void start() {
        listeners.emit(new ConnectionEvent.Connecting());
        int servers = 1 + config.options().failover().size();
        for (int tried = 1; ; tried++) {
            try {
                connectLink(); // ready() installs it
                return;
            } catch (RpcException e) {
                if (tried >= servers || hopeless(e)) {
                    giveUp(e);
                    throw e;
                }
                log.info("[hl-client {}] {}; trying the next server", target(), e.getMessage());
            }
        }
    }

    /** The link calls go to now, or {@code null} while there is none. */
    NettyRpcChannel link() {
        return current;
    }

    // ---- LinkListener (the link's event loop) ---------------------------------------------------

    @Override
    public void ready(NettyRpcChannel link) {
        NettyRpcChannel old;
        boolean reconnected;
        lock.lock();
        try {
            if (closed != null) {
                link.close(); // closed while this link was being made
                return;
            }
            old = current;
            current = link;
            reconnected = everConnected;
            everConnected = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (old != null) {
            // a replaced link: its events are the new link's too, so only the new one delivers them
            old.muteEvents();
            events.reconnected();
            retire(old);
        }
        listeners.follow(link, this, reconnected);
        listeners.emit(new ConnectionEvent.Connected(reconnected));
        if (maxAge != null) {
            double spread = ThreadLocalRandom.current().nextDouble(0.9, 1.1);
            link.schedule(() -> replace(link, true), (long) (maxAge.toNanos() * spread));
        }
    }

    @Override
    public void lost(NettyRpcChannel link, RpcException reason) {
        int gen;
        lock.lock();
        try {
            if (link != current) {
                return; // an aged link already replaced, or the client is closed
            }
            current = null;
            listeners.linkGone(link);
            if (closed != null) {
                return;
            }
            if (!reconnects) {
                closed = reason;
            }
            gen = ++generation;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        log.debug("{}{}", link.logPrefix(), reason.getMessage());
        listeners.emit(new ConnectionEvent.Disconnected(reason));
        if (!reconnects) {
            events.close(reason);
            listeners.emit(new ConnectionEvent.Closed(reason));
            return;
        }
        events.reconnected();
        Thread t = Thread.ofVirtual().name("hl-reconnect " + link.target()).unstarted(() -> reconnect(gen, reason));
        lock.lock();
        try {
            if (closed != null || gen != generation) {
                return;
            }
            reconnectThread = t;
        } finally {
            lock.unlock();
        }
        t.start();
    }

    @Override
    public void goingAway(NettyRpcChannel link) {
        if (reconnects) {
            // the server drains this connection and will close it: connect again now (behind a load
            // balancer, to another server) so that new calls need not wait for the close
            replace(link, false);
        }
    }

    // ---- reconnecting ---------------------------------------------------------------------------

    /**
     * The loop after a loss, on its own virtual thread: waits, tries, until a link is ready or it gives
     * up. A bug surfacing here closes the client with it rather than leaving it disconnected for good
     * with nobody told.
     */
    private void reconnect(int gen, RpcException loss) {
        try {
            attemptUntilDone(gen, loss);
        } catch (RuntimeException | Error e) {
            log.error("[hl-client {}] reconnecting failed unexpectedly", target(), e);
            giveUp(new RpcException(Status.INTERNAL, "reconnecting to " + target() + " failed unexpectedly: " + e, e));
        }
    }

    private void attemptUntilDone(int gen, RpcException loss) {
        RpcException last = loss;
        for (int attempt = 1; ; attempt++) {
            if (policy.maxAttempts() > 0 && attempt > policy.maxAttempts()) {
                giveUp(new RpcException(Status.UNAVAILABLE, "gave up reconnecting to " + target() + " after "
                        + policy.maxAttempts() + " attempts; the last failed: " + last.getMessage(), last));
                return;
            }
            Duration delay = policy.delay(attempt);
            if (superseded(gen)) {
                return;
            }
            listeners.emit(new ConnectionEvent.Reconnecting(attempt, delay));
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                return; // closed
            }
            if (superseded(gen)) {
                return;
            }
            try {
                connectLink();
                return;
            } catch (RpcException e) {
                last = e;
                if (hopeless(e)) {
                    giveUp(e);
                    return;
                }
                log.debug("[hl-client {}] reconnect attempt {} failed: {}", target(), attempt, e.getMessage());
            }
        }
    }

    /**
     * Makes a new link (its recording file numbered by the attempt) and waits until it is ready; its hello
     * calls {@link #ready}, which installs it. Blocks up to the connect timeout.
     */
    private void connectLink() {
        int n = connections.incrementAndGet();
        ClientConfig c = config.forConnection(n);
        List<URI> failover = config.options().failover();
        if (!failover.isEmpty()) {
            int i = (n - 1) % (failover.size() + 1); // a ring: the given URI, then the failover servers
            c = c.withUri(i == 0 ? config.uri() : failover.get(i - 1));
        }
        ClientConnector.connect(c, events, this);
    }

    /** Whether a reconnect loop should stop: the client closed, a link is ready, or a newer loss took over. */
    private boolean superseded(int gen) {
        lock.lock();
        try {
            return closed != null || current != null || gen != generation;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Answers that another attempt would get again: the server refuses this client or its contract, or
     * the application closed the client's I/O threads ({@code ClientGroup}).
     */
    private boolean hopeless(RpcException e) {
        if (config.ioThreads().refusesNewChannels()) {
            return true;
        }
        return switch (e.status()) {
            case INCOMPATIBLE, UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND -> true;
            default -> false;
        };
    }

    /** Closes the client for good because of {@code reason}. */
    private void giveUp(RpcException reason) {
        lock.lock();
        try {
            if (closed != null) {
                return;
            }
            closed = reason;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        events.close(reason);
        listeners.emit(new ConnectionEvent.Closed(reason));
    }

    /**
     * On the link's event loop: starts making a replacement of a link that aged out or is going away,
     * unless it is no longer current; the link serves calls until the replacement is ready.
     *
     * @param announce whether the listener hears of the attempts (Reconnecting), not only of the success
     */
    private void replace(NettyRpcChannel link, boolean announce) {
        if (current != link) {
            return;
        }
        Thread.ofVirtual().name("hl-renew " + link.target()).start(() -> {
            for (int attempt = 1; ; attempt++) {
                Duration delay = attempt == 1 ? Duration.ZERO : policy.delay(attempt - 1);
                if (current != link || isClosed()) {
                    return; // lost meanwhile: the reconnect loop takes over
                }
                if (announce) {
                    listeners.emit(new ConnectionEvent.Reconnecting(attempt, delay));
                }
                try {
                    Thread.sleep(delay);
                    if (current != link || isClosed()) {
                        return;
                    }
                    connectLink(); // ready() swaps the links
                    return;
                } catch (InterruptedException e) {
                    return;
                } catch (RpcException e) {
                    log.debug("{}replacing the connection failed: {}", link.logPrefix(), e.getMessage());
                    if (hopeless(e) || policy.maxAttempts() > 0 && attempt >= policy.maxAttempts()) {
                        return; // keep the old link until it is lost
                    }
                } catch (RuntimeException | Error e) {
                    log.error("{}replacing the connection failed unexpectedly; keeping it until it is lost",
                            link.logPrefix(), e);
                    return;
                }
            }
        });
    }

    /**
     * Closes a replaced link once its pending calls have ended (its session signals it), or after a
     * bounded wait, or as soon as it closes by itself.
     */
    private void retire(NettyRpcChannel old) {
        retiring.add(old);
        AtomicBoolean done = new AtomicBoolean();
        Runnable close = () -> {
            if (done.compareAndSet(false, true)) {
                retiring.remove(old);
                old.close();
            }
        };
        old.onIdle(() -> old.schedule(close, 0));
        old.whenClosed(close);
        old.schedule(close, RETIRE_DRAIN_NANOS);
        old.schedule(() -> {
            if (old.inFlight() == 0) {
                close.run(); // idle before the signal was set
            }
        }, 0);
    }

    // ---- for calls (any thread) -----------------------------------------------------------------

    /** Whether the client is closed for good. */
    boolean isClosed() {
        lock.lock();
        try {
            return closed != null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until there is a current link that {@code acceptable} takes, or the time is up.
     *
     * @return the link, or {@code null} when {@code waitUntil} (a {@link System#nanoTime()}) passed first
     * @throws RpcException the reason the client is closed, once it is
     * @throws InterruptedException when the waiting thread is interrupted
     */
    NettyRpcChannel awaitLink(long waitUntil, Predicate<NettyRpcChannel> acceptable) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (closed != null) {
                    throw new RpcException(closed.status(), closed.getMessage());
                }
                NettyRpcChannel l = current;
                if (l != null && acceptable.test(l)) {
                    return l;
                }
                long left = waitUntil - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the client: stops reconnecting, closes the links (pending calls fail with
     * CONNECTION_LOST) and ends the event stream with {@code reason}.
     */
    void close(RpcException reason) {
        NettyRpcChannel link;
        Thread loop;
        lock.lock();
        try {
            link = current;
            current = null;
            loop = reconnectThread;
            if (closed == null) {
                closed = reason;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (loop != null) {
            loop.interrupt();
        }
        if (link != null) {
            link.close();
        }
        for (NettyRpcChannel old : retiring) {
            old.close();
        }
        events.close(reason);
    }

    private String target() {
        return config.uri().getRawAuthority();
    }
}
