package dev.hardlight.netty.internal;

import dev.hardlight.EventListener;
import dev.hardlight.EventStream;
import dev.hardlight.RpcException;
import dev.hardlight.StateListener;
import dev.hardlight.Status;
import dev.hardlight.internal.protocol.ClientEventQueue;
import dev.hardlight.internal.protocol.ClientSession;
import dev.hardlight.netty.ConnectionEvent;
import dev.hardlight.netty.ConnectionListener;
import dev.hardlight.netty.ReconnectPolicy;
import dev.hardlight.service.ArgumentWriter;
import dev.hardlight.service.MethodDescriptor;
import dev.hardlight.service.RpcChannel;
import dev.hardlight.service.ServiceDescriptor;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client that outlives its connections: it reconnects after a loss (with the backoff of a
 * {@link ReconnectPolicy}), replaces aged connections (make before break), tells a
 * {@link ConnectionListener} of each step, and keeps one event stream and one set of listeners across
 * connections. Each connection is a {@link NettyRpcChannel} (a "link") that calls back through
 * {@link NettyRpcChannel.Owner}.
 *
 * <p>Calls go to the current link. While there is none they wait (up to their deadline, or the
 * policy's callWait) for the next. A call the old link never sent (closed, or going away) is sent on the
 * next; a call it sent fails with CONNECTION_LOST, unless its method is idempotent.
 *
 * <p>Thread-safe. The link fields are guarded by {@code lock}; the reconnect loop runs on a virtual
 * thread per loss; {@code ready} and {@code lost} run on the link's event loop.
 */
public final class ReconnectingChannel implements RpcChannel, NettyRpcChannel.Owner {
    private static final Logger log = LoggerFactory.getLogger(ReconnectingChannel.class);
    /** How long an aged-out link may take to answer its pending calls before it is closed anyway. */
    private static final long RETIRE_DRAIN_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long RETIRE_POLL_MILLIS = 20;

    private final ClientConfig config;
    private final ReconnectPolicy policy; // null: a loss closes the client
    private final ReconnectPolicy agingPolicy; // the delays between attempts to replace an aged link
    private final ConnectionListener listener; // null: none
    private final Duration maxAge; // null: links are not replaced for age
    private final ClientEventQueue events;
    private final CopyOnWriteArrayList<StateListener<Object>> stateListeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<EventListener<Object>> eventListeners = new CopyOnWriteArrayList<>();
    private final Set<NettyRpcChannel> retiring = ConcurrentHashMap.newKeySet();
    /** Counts the connections attempted, numbering their recording files. */
    private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();

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

    private volatile Object lastState;
    private volatile Set<String> lastFeatures = Set.of();

    private final ReentrantLock emitLock = new ReentrantLock();
    /** Guarded by emitLock: once Closed was told, nothing more is. */
    private boolean closedEmitted;

    private ReconnectingChannel(ClientConfig config, ReconnectPolicy policy, ConnectionListener listener, Duration maxAge) {
        this.config = config;
        this.policy = policy;
        this.agingPolicy = policy != null ? policy : ReconnectPolicy.defaults();
        this.listener = listener;
        this.maxAge = maxAge;
        this.events = new ClientEventQueue(config.eventQueueCapacity());
    }

    /**
     * Makes the first connection (not retried: its failure is thrown, after telling the listener
     * {@code Closed}).
     *
     * @param policy {@code null}: a lost connection closes the client
     * @param maxAge {@code null}: connections are not replaced for age
     */
    public static ReconnectingChannel connect(ClientConfig config, ReconnectPolicy policy, ConnectionListener listener,
                                              Duration maxAge) {
        ReconnectingChannel c = new ReconnectingChannel(config, policy, listener, maxAge);
        c.emit(new ConnectionEvent.Connecting());
        try {
            c.connectLink(); // ready() installs it
        } catch (RpcException e) {
            c.giveUp(e);
            throw e;
        }
        return c;
    }

    // ---- NettyRpcChannel.Owner (the link's event loop) --------------------------------------------

    @Override
    public ClientEventQueue sharedEvents() {
        return events;
    }

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
            // an aged link replaced: its events are the new link's too, so only the new one delivers them
            old.session().muteEvents();
            events.reconnected();
            retire(old);
        }
        ClientSession s = link.session();
        s.addStateListener((before, after) -> {
            if (current == link) {
                lastState = after;
                tellState(before, after);
            }
        });
        s.addEventListener(event -> {
            if (current == link) {
                for (EventListener<Object> l : eventListeners) {
                    try {
                        l.onEvent(event);
                    } catch (RuntimeException e) {
                        log.warn("{}event listener failed", link.logPrefix(), e);
                    }
                }
            }
        });
        Object before = lastState;
        Object after = s.state();
        lastState = after;
        lastFeatures = s.features();
        if (reconnected && !Objects.equals(before, after)) {
            tellState(before, after); // the fresh snapshot
        }
        emit(new ConnectionEvent.Connected(reconnected));
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
            lastFeatures = link.session().features();
            if (closed != null) {
                return;
            }
            if (policy == null) {
                closed = reason;
            }
            gen = ++generation;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        log.debug("{}{}", link.logPrefix(), reason.getMessage());
        emit(new ConnectionEvent.Disconnected(reason));
        if (policy == null) {
            events.close(reason);
            emit(new ConnectionEvent.Closed(reason));
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

    // ---- reconnecting ------------------------------------------------------------------------------

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
            emit(new ConnectionEvent.Reconnecting(attempt, delay));
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
        NettyRpcChannel.connect(config.forConnection(connections.incrementAndGet()), this);
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
        emit(new ConnectionEvent.Closed(reason));
    }

    @Override
    public void goingAway(NettyRpcChannel link) {
        if (policy != null) {
            // the server drains this connection and will close it: connect again now (behind a load
            // balancer, to another server) so that new calls need not wait for the close
            replace(link, false);
        }
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
                Duration delay = attempt == 1 ? Duration.ZERO : agingPolicy.delay(attempt - 1);
                if (current != link || isClosed()) {
                    return; // lost meanwhile: the reconnect loop takes over
                }
                if (announce) {
                    emit(new ConnectionEvent.Reconnecting(attempt, delay));
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
                    if (hopeless(e) || agingPolicy.maxAttempts() > 0 && attempt >= agingPolicy.maxAttempts()) {
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

    /** Closes an aged-out link once its pending calls are answered (or after a bounded wait). */
    private void retire(NettyRpcChannel old) {
        retiring.add(old);
        long until = System.nanoTime() + RETIRE_DRAIN_NANOS;
        Runnable check = new Runnable() {
            @Override
            public void run() {
                if (old.session().inFlight() == 0 || System.nanoTime() - until > 0 || !old.isOpen()) {
                    retiring.remove(old);
                    old.close();
                } else {
                    old.schedule(this, TimeUnit.MILLISECONDS.toNanos(RETIRE_POLL_MILLIS));
                }
            }
        };
        old.schedule(check, 0);
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed != null;
        } finally {
            lock.unlock();
        }
    }

    private void emit(ConnectionEvent event) {
        if (listener == null) {
            return;
        }
        emitLock.lock();
        try {
            if (closedEmitted) {
                return;
            }
            closedEmitted = event instanceof ConnectionEvent.Closed;
            listener.connectionChanged(event);
        } catch (RuntimeException e) {
            log.warn("[hl-client {}] connection listener failed on {}", target(), event, e);
        } finally {
            emitLock.unlock();
        }
    }

    private void tellState(Object before, Object after) {
        for (StateListener<Object> l : stateListeners) {
            try {
                l.stateChanged(before, after);
            } catch (RuntimeException e) {
                log.warn("[hl-client {}] state listener failed", target(), e);
            }
        }
    }

    private String target() {
        return config.uri().getRawAuthority();
    }

    // ---- calls -------------------------------------------------------------------------------------

    @Override
    public ServiceDescriptor<?> service() {
        return config.service();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> R call(MethodDescriptor<R> method, ArgumentWriter args, Duration deadline) throws Exception {
        NettyRpcChannel.checkNotOnAnIoThread(method);
        Duration d = deadline != null ? deadline : config.defaultDeadline();
        return (R) invoke(method, args, d, d == null ? 0 : System.nanoTime() + NettyRpcChannel.saturatedNanos(d), null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> CompletableFuture<R> callAsync(MethodDescriptor<R> method, ArgumentWriter args, Duration deadline) {
        Duration d = deadline != null ? deadline : config.defaultDeadline();
        long deadlineAt = d == null ? 0 : System.nanoTime() + NettyRpcChannel.saturatedNanos(d);
        RetryingCall result = new RetryingCall();
        NettyRpcChannel link = usableLink();
        if (link != null) {
            try {
                ClientSession.PendingCall call = link.session().start(method, args, remaining(d, deadlineAt));
                result.inner = call;
                call.whenComplete((value, error) -> {
                    if (error == null) {
                        result.complete(value);
                    } else if (retryable(method, link, error) && !result.isDone()) {
                        result.continueOnVirtualThread(() -> invoke(method, args, d, deadlineAt, result));
                    } else {
                        result.completeExceptionally(error);
                    }
                });
                return (CompletableFuture<R>) result;
            } catch (RpcException e) {
                if (!notSent(link, e)) {
                    return CompletableFuture.failedFuture(e);
                }
            }
        }
        result.continueOnVirtualThread(() -> invoke(method, args, d, deadlineAt, result));
        return (CompletableFuture<R>) result;
    }

    /**
     * Makes a call, waiting for a link first if there is none, and again (on the next link) when the
     * link lost it in a way that allows it.
     *
     * @param async the future of an async call, told of each attempt so its cancel reaches it; or null
     */
    private Object invoke(MethodDescriptor<?> method, ArgumentWriter args, Duration d, long deadlineAt,
                          RetryingCall async) throws Exception {
        while (true) {
            NettyRpcChannel link = awaitLink(method, d, deadlineAt);
            ClientSession.PendingCall call;
            try {
                call = link.session().start(method, args, remaining(d, deadlineAt));
            } catch (RpcException e) {
                if (notSent(link, e)) {
                    continue;
                }
                throw e;
            }
            if (async != null) {
                async.inner = call;
                if (async.isCancelled()) {
                    call.cancel(true);
                }
            }
            try {
                return NettyRpcChannel.await(call, method);
            } catch (RpcException e) {
                if (retryable(method, link, e)) {
                    continue;
                }
                throw e;
            }
        }
    }

    /** The current link if calls can go to it now, else null. */
    private NettyRpcChannel usableLink() {
        NettyRpcChannel l = current;
        return l != null && usable(l) ? l : null;
    }

    private static boolean usable(NettyRpcChannel link) {
        return link.isOpen() && link.session().goAwayReason() == null;
    }

    /**
     * Waits for a link calls can go to: up to the call's deadline, or the policy's callWait.
     *
     * @throws RpcException DEADLINE_EXCEEDED, UNAVAILABLE when the wait is over; the reason when the
     *     client is closed; CANCELLED when interrupted
     */
    private NettyRpcChannel awaitLink(MethodDescriptor<?> method, Duration d, long deadlineAt) {
        long waitUntil = d != null ? deadlineAt
                : System.nanoTime() + (policy == null ? 0 : NettyRpcChannel.saturatedNanos(policy.callWait()));
        lock.lock();
        try {
            while (true) {
                if (closed != null) {
                    throw new RpcException(closed.status(), closed.getMessage());
                }
                NettyRpcChannel l = current;
                if (l != null && (policy == null || usable(l))) {
                    return l; // without reconnect, the link itself says why it cannot take the call
                }
                long left = waitUntil - System.nanoTime();
                if (left <= 0) {
                    if (d != null) {
                        throw new RpcException(Status.DEADLINE_EXCEEDED, ClientSession.deadlineMessage(config.service(), method, d)
                                + " (not connected: waiting for the reconnect to " + target() + "; nothing was sent)");
                    }
                    throw new RpcException(Status.UNAVAILABLE, "not connected to " + target() + ": still reconnecting after "
                            + ClientSession.describe(policy == null ? Duration.ZERO : policy.callWait())
                            + " (nothing was sent)");
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException(Status.CANCELLED, "interrupted while waiting for the connection to " + target());
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code link} refused to send a call because it is gone or going away: another link may send it. */
    private boolean notSent(NettyRpcChannel link, RpcException e) {
        return policy != null && !isClosed() && (e.status() == Status.CONNECTION_LOST || e.status() == Status.UNAVAILABLE)
                && !usable(link);
    }

    /**
     * Whether a call that failed with {@code error} on {@code link} may go to the next link: the link was
     * lost and the method is idempotent, or the server refused it unrun while shutting down.
     */
    private boolean retryable(MethodDescriptor<?> method, NettyRpcChannel link, Throwable error) {
        if (policy == null || !(error instanceof RpcException r) || isClosed()) {
            return false;
        }
        return r.status() == Status.CONNECTION_LOST && method.idempotent()
                || r.status() == Status.UNAVAILABLE && link.session().goAwayReason() != null;
    }

    /** The time left for an attempt: {@code null} when the call has no deadline. */
    private static Duration remaining(Duration d, long deadlineAt) {
        return d == null ? null : Duration.ofNanos(Math.max(0, deadlineAt - System.nanoTime()));
    }

    /** The future of an async call; cancelling it cancels the attempt in flight, or the wait for a link. */
    private static final class RetryingCall extends CompletableFuture<Object> {
        volatile Future<?> inner;
        private volatile Thread worker;

        interface Attempt {
            Object run() throws Exception;
        }

        void continueOnVirtualThread(Attempt attempt) {
            worker = Thread.ofVirtual().name("hl-call").start(() -> {
                try {
                    complete(attempt.run());
                } catch (Throwable t) {
                    completeExceptionally(t);
                }
            });
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                Future<?> f = inner;
                if (f != null) {
                    f.cancel(true);
                }
                Thread t = worker;
                if (t != null) {
                    t.interrupt();
                }
            }
            return cancelled;
        }
    }

    // ---- state, events, features ------------------------------------------------------------------

    @Override
    public Object state() {
        NettyRpcChannel l = current;
        return l != null ? l.state() : lastState;
    }

    @Override
    public void addStateListener(StateListener<Object> listener) {
        stateListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeStateListener(StateListener<Object> listener) {
        stateListeners.remove(listener);
    }

    @Override
    public EventStream<Object> events() {
        return events;
    }

    @Override
    public void addEventListener(EventListener<Object> listener) {
        eventListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeEventListener(EventListener<Object> listener) {
        eventListeners.remove(listener);
    }

    @Override
    public Set<String> features() {
        NettyRpcChannel l = current;
        return l != null ? l.features() : java.util.Collections.unmodifiableSet(lastFeatures);
    }

    @Override
    public boolean isOpen() {
        NettyRpcChannel l = current;
        return l != null && l.isOpen();
    }

    /**
     * Closes the client: stops reconnecting, closes the connection (pending calls fail with
     * CONNECTION_LOST), ends the event stream, tells the listener {@code Closed(null)}.
     */
    @Override
    public void close() {
        NettyRpcChannel link;
        Thread loop;
        RpcException reason = new RpcException(Status.CONNECTION_LOST, "the connection to " + target()
                + " was closed by this client");
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
        emit(new ConnectionEvent.Closed(null));
    }

    /** For tests: the current connection, or {@code null} while disconnected. Not part of the API. */
    public NettyRpcChannel link() {
        return current;
    }

    @Override
    public String toString() {
        return "RpcChannel[" + target() + " " + config.service().name() + (isOpen() ? " open" : " closed")
                + (policy == null ? "" : ", reconnecting") + "]";
    }
}
