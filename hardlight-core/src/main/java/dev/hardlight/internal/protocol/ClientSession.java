package dev.hardlight.internal.protocol;

import dev.hardlight.ClientCall;
import dev.hardlight.ClientInterceptor;
import dev.hardlight.Metadata;
import dev.hardlight.Nullable;
import dev.hardlight.RpcException;
import dev.hardlight.Event;
import dev.hardlight.EventListener;
import dev.hardlight.EventStream;
import dev.hardlight.StateListener;
import dev.hardlight.Topic;
import dev.hardlight.Status;
import dev.hardlight.codec.UnknownVariantException;
import dev.hardlight.codec.WireReader;
import dev.hardlight.internal.codec.ByteBufWireReader;
import dev.hardlight.internal.codec.ByteBufWireWriter;
import dev.hardlight.service.ArgumentWriter;
import dev.hardlight.service.DeclaredError;
import dev.hardlight.service.EventDescriptor;
import dev.hardlight.service.MethodDescriptor;
import dev.hardlight.service.ServiceDescriptor;
import dev.hardlight.service.StateCodec;
import io.netty.buffer.ByteBuf;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one connection's protocol, with no I/O: frames in through {@link #onMessage},
 * frames out through an {@link Outbound}.
 *
 * <p>Until the server's HELLO arrives no call can start ({@link #ready()} completes with it). Call ids
 * are slots below the negotiated limit (the smaller of the client's and the server's). The session never
 * waits for a free slot: {@link #tryStart} returns {@code null} when every slot is taken, and the session
 * tells its {@link #onSlotFree slot listener} each time one frees, so the transport decides how its
 * callers wait ({@link SlotQueue} blocks them in arrival order). A cancelled call keeps its slot until
 * the server answers it, so an id is never reused while the server may still be running it.
 *
 * <p><b>Deadlines.</b> A session made with a {@link Timer} accepts a deadline per call (and may have a
 * default one): when it passes before the answer, the call fails with {@link Status#DEADLINE_EXCEEDED}
 * and a CANCEL is sent, exactly like an explicit cancel (the slot stays reserved until the server
 * answers). A deadline counts from when the call was made ({@code startNanos}), so one that passes
 * while the caller waits for a free slot (in the transport, e.g. {@link SlotQueue}) fails the call
 * without sending anything. Sessions made without a timer refuse deadlines ({@link IllegalStateException}).
 * The timer is also the session's clock ({@link #nanoTime()}).
 *
 * <p><b>GO_AWAY.</b> Once the server announced its shutdown ({@link #goAwayReason()}), new calls fail
 * locally with {@link Status#UNAVAILABLE}; calls already sent still complete.
 *
 * <p>Thread-safe: {@link #tryStart} from any thread; {@link #onMessage} and {@link #onClosed} from the
 * connection's event loop.
 */
public final class ClientSession {
    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);

    private final ServiceDescriptor<?> service;
    private final Outbound out;
    private final int clientMaxInFlight;
    private final String logPrefix;
    private final CompletableFuture<Hello> ready = new CompletableFuture<>();

    // Set once when the hello arrives (happens-before through the 'ready' future / volatile 'limit').
    /** What the hello said about this client's contract (method ids, refusals). */
    private ClientHandshake handshake;
    private int serverMaxMessageSize;
    private volatile int limit;
    private AtomicReferenceArray<PendingCall> slots;
    /** Guarded by idLock: the free call ids, the lowest on top; a call reserves one before it is sent. */
    private int[] freeIds;
    /** Written under idLock; read by any thread (how many ids are free). */
    private volatile int freeCount;
    private final ReentrantLock idLock = new ReentrantLock();
    /** Told each time a slot frees and when the session closes ({@link #onSlotFree}); any thread sets it. */
    private volatile Runnable slotListener;

    private volatile RpcException closedReason;
    /** Written by the event loop only, once: the reason of the server's GO_AWAY. */
    private volatile String goAwayReason;

    /** Schedules deadlines; {@code null} when this session does not support them. */
    private final Timer timer;
    /** Applied to calls started without a deadline of their own; {@code null} for none. */
    private final Duration defaultDeadline;

    private final StateCodec<Object> stateCodec;
    /** Written by the event loop only; read by any thread. */
    private volatile Object state;
    private final CopyOnWriteArrayList<StateListener<Object>> stateListeners = new CopyOnWriteArrayList<>();
    /** Written by the event loop only: the connection's enabled features, as the server last said. */
    private volatile Set<String> features = Set.of();
    private final EventDescriptor<Object> events;
    private final ClientEventQueue eventQueue;
    /** Told when the last call in flight ends ({@link #onIdle}); any thread sets it. */
    private volatile Runnable idleListener;
    /** Told when the server's GO_AWAY is handled ({@link #whenGoingAway}); any thread sets it. */
    private volatile Runnable goAwayListener;
        /** Set once by {@link #muteEvents()}. */
    private volatile boolean eventsMuted;
    /** Whether the event queue is this session's own (closed with it) rather than a reconnecting client's. */
    private final boolean ownsEvents;
    private final CopyOnWriteArrayList<EventListener<Object>> eventListeners = new CopyOnWriteArrayList<>();
    /** Run for every call sent, in order; empty for none (then nothing of them runs). */
    private volatile ClientInterceptor[] interceptors = NO_INTERCEPTORS;
    private static final ClientInterceptor[] NO_INTERCEPTORS = {};

    /** Sets the interceptors run for every call (see {@link dev.hardlight.ClientInterceptor}). Before the first call. */
    public void interceptors(List<ClientInterceptor> list) {
        interceptors = list.isEmpty() ? NO_INTERCEPTORS : list.toArray(new ClientInterceptor[0]);
    }

    public ClientSession(ServiceDescriptor<?> service, Outbound out, int clientMaxInFlight, String logPrefix) {
        this(service, out, clientMaxInFlight, DEFAULT_EVENT_QUEUE, logPrefix);
    }

    /** @param eventQueueCapacity events kept for the application before new ones are dropped and counted */
    public ClientSession(ServiceDescriptor<?> service, Outbound out, int clientMaxInFlight, int eventQueueCapacity,
                         String logPrefix) {
        this(service, out, clientMaxInFlight, eventQueueCapacity, logPrefix, null, null);
    }

    /**
     * A session that supports deadlines.
     *
     * @param eventQueueCapacity events kept for the application before new ones are dropped and counted
     * @param timer schedules deadlines (the transport's event loop)
     * @param defaultDeadline applied to every call started without a deadline of its own; {@code null}
     *     for none. Must be positive.
     */
    public ClientSession(ServiceDescriptor<?> service, Outbound out, int clientMaxInFlight, int eventQueueCapacity,
                         Timer timer, @Nullable Duration defaultDeadline, String logPrefix) {
        this(service, out, clientMaxInFlight, eventQueueCapacity, logPrefix, Objects.requireNonNull(timer, "timer"),
                defaultDeadline);
    }

    /**
     * A session of a client that reconnects: its events go to {@code sharedEvents}, a queue that outlives
     * the connection (this session never closes it).
     *
     * @param timer schedules deadlines (the transport's event loop)
     * @param defaultDeadline as in the constructor above
     */
    public ClientSession(ServiceDescriptor<?> service, Outbound out, int clientMaxInFlight, ClientEventQueue sharedEvents,
                         Timer timer, @Nullable Duration defaultDeadline, String logPrefix) {
        this(service, out, clientMaxInFlight, Objects.requireNonNull(sharedEvents, "sharedEvents"), false,
                logPrefix, Objects.requireNonNull(timer, "timer"), defaultDeadline);
    }

    private ClientSession(ServiceDescriptor<?> service, Outbound out, int clientMaxInFlight, int eventQueueCapacity,
                          String logPrefix, Timer timer, Duration defaultDeadline) {
        this(service, out, clientMaxInFlight, new ClientEventQueue(eventQueueCapacity), true, logPrefix, timer, defaultDeadline);
    }

    @SuppressWarnings("unchecked")
    private ClientSession(ServiceDescriptor<?> service, Outbound out, int clientMaxInFlight, ClientEventQueue eventQueue,
                          boolean ownsEvents, String logPrefix, Timer timer, Duration defaultDeadline) {
        if (defaultDeadline != null && (defaultDeadline.isNegative() || defaultDeadline.isZero())) {
            throw new IllegalArgumentException("defaultDeadline: " + defaultDeadline + " (expected: > 0)");
        }
        InFlight.check(clientMaxInFlight);
        this.service = service;
        this.out = out;
        this.clientMaxInFlight = clientMaxInFlight;
        this.logPrefix = logPrefix;
        this.stateCodec = (StateCodec<Object>) service.state();
        this.events = (EventDescriptor<Object>) service.events();
        this.eventQueue = eventQueue;
        this.ownsEvents = ownsEvents;
        this.timer = timer;
        this.defaultDeadline = defaultDeadline;
    }

    /** The deadline applied to calls started without one, or {@code null} for none. */
    public @Nullable Duration defaultDeadline() {
        return defaultDeadline;
    }

    /**
     * The reason the server gave in its GO_AWAY, or {@code null} if it sent none. Once set, new calls
     * fail with {@link Status#UNAVAILABLE}; the transport closes the connection when {@link #inFlight()}
     * reaches 0 (or the server closes it).
     */
    public @Nullable String goAwayReason() {
        return goAwayReason;
    }

    private void onGoAway(ByteBuf msg) {
        String reason = Frames.readGoAwayBody(msg);
        if (goAwayReason != null) {
            throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR, "second GO_AWAY");
        }
        goAwayReason = reason;
        log.debug("{}server is shutting down: {}", logPrefix, reason);
        Runnable goingAway = goAwayListener;
        if (goingAway != null) {
            goingAway.run();
        }
    }

    /**
     * Runs {@code listener} once the server's GO_AWAY is handled ({@link #goAwayReason()} is set), on
     * the thread that handles messages: the transport's signal to connect elsewhere, instead of checking
     * after every message. It must be quick and must not block. Replaces any earlier one.
     */
    public void whenGoingAway(Runnable listener) {
        goAwayListener = listener;
    }

    private RpcException shuttingDown(String reason) {
        return new RpcException(Status.UNAVAILABLE, "server is shutting down: " + reason);
    }

    /** Events a client keeps queued for its application before it drops (and counts) new ones. */
    public static final int DEFAULT_EVENT_QUEUE = 4096;

    /** The bounded queue of received events. */
    public EventStream<Object> events() {
        return eventQueue;
    }

    public void addEventListener(EventListener<Object> listener) {
        eventListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeEventListener(EventListener<Object> listener) {
        eventListeners.remove(listener);
    }

    /**
     * Stops queueing this session's events and telling its event listeners: a client that replaced the
     * connection with a newer one (which receives the same events) calls it so none arrives twice.
     * Frames are still checked.
     */
    public void muteEvents() {
        eventsMuted = true;
    }

    private void onEvent(ByteBuf msg, boolean withMetadata) {
        WireReader r = new ByteBufWireReader(msg);
        Topic topic = Frames.readEventHeader(r);
        // Bad metadata is a broken server, like any malformed EVENT: the violation closes the connection.
        Metadata metadata = withMetadata ? MetadataCodec.read(msg) : Metadata.empty();
        if (events == null) {
            return; // this client's contract has no events
        }
        Object value;
        try {
            value = events.codec().decode(r);
        } catch (UnknownVariantException e) {
            // A newer server's constant or subtype without a @Fallback here: skipped and counted, not a
            // violation (the payload runs to the end of the message, so nothing after it is lost).
            if (!eventsMuted) {
                eventQueue.skippedUnknown(1);
                log.debug("{}event skipped: {}", logPrefix, e.getMessage());
            }
            return;
        }
        r.expectEnd("EVENT");
        if (eventsMuted) {
            return;
        }
        Event<Object> event = eventQueue.offer(topic, value, metadata);
        for (EventListener<Object> l : eventListeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                log.warn("{}event listener failed", logPrefix, e);
            }
        }
    }

    private void onEventsMissed(ByteBuf msg) {
        int n = Frames.readEventsMissedBody(msg);
        if (!eventsMuted) {
            eventQueue.missed(n);
        }
    }

    /** The current connection state (valid once {@link #ready()} completed), or {@code null} if the service has none. */
    public Object state() {
        return state;
    }

    /** Adds a listener of state changes. */
    public void addStateListener(StateListener<Object> listener) {
        stateListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Removes a listener of state changes. */
    public void removeStateListener(StateListener<Object> listener) {
        stateListeners.remove(listener);
    }

    /** Completes with the server's hello, or fails if the connection closes or the hello is refused. */
    public CompletableFuture<Hello> ready() {
        return ready;
    }

    /** The negotiated in-flight limit (0 before the hello). */
    public int maxInFlight() {
        return limit;
    }

    /** Calls started and not yet answered by the server. */
    public int inFlight() {
        int l = limit;
        return l == 0 ? 0 : l - freeCount;
    }

    /**
     * Runs {@code listener} each time a call slot frees (a call was answered, or a start that had
     * reserved a slot gave it back) and once when the session closes, on the thread that freed it or
     * closed the session: the signal a transport's waiting callers wait for, since {@link #tryStart}
     * never waits. It must be quick and must not block. Replaces any earlier one.
     */
    public void onSlotFree(Runnable listener) {
        slotListener = listener;
    }

    private void slotFreed() {
        Runnable l = slotListener;
        if (l != null) {
            l.run();
        }
    }

    /** The contract this session calls. */
    public ServiceDescriptor<?> service() {
        return service;
    }

    /**
     * Runs {@code listener} each time a call ends (answered, failed, timed out or cancelled) leaving
     * none in flight, on the thread that ended it: the transport's signal that a connection it retires
     * may close, instead of polling {@link #inFlight()}. It must be quick and must not block. Replaces
     * any earlier one.
     */
    public void onIdle(Runnable listener) {
        idleListener = listener;
    }

    /** Handles one received message; throws {@link ProtocolViolation} when the server broke the protocol. */
    public void onMessage(ByteBuf msg) {
        if (!ready.isDone()) {
            onHello(msg);
            return;
        }
        int type = Frames.readType(msg);
        try {
            switch (type) {
                case FrameType.RESULT -> onResult(msg);
                case FrameType.ERROR -> onError(msg);
                case FrameType.RESULT_META -> onAnswerWithMetadata(msg, true);
                case FrameType.ERROR_META -> onAnswerWithMetadata(msg, false);
                case FrameType.STATE_DELTA -> onStateDelta(msg);
                case FrameType.EVENT -> onEvent(msg, false);
                case FrameType.EVENT_META -> onEvent(msg, true);
                case FrameType.FEATURES -> features = Set.copyOf(Frames.readFeaturesBody(msg));
                case FrameType.EVENTS_MISSED -> onEventsMissed(msg);
                case FrameType.GO_AWAY -> onGoAway(msg);
                case FrameType.BATCH -> Frames.forEachInBatch(msg, this::onMessage);
                case FrameType.HELLO -> throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR, "second HELLO");
                case FrameType.CALL, FrameType.CANCEL, FrameType.CALL_META -> throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR,
                        FrameType.name(type) + " is a client-to-server frame");
                default -> throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR,
                        "unknown frame type " + FrameType.name(type));
            }
        } catch (RpcException e) {
            throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR, FrameType.name(type) + ": " + e.getMessage());
        }
    }

    /**
     * A descriptor for a session that only reads the server's HELLO: its {@link #ready} completes with
     * the hello (its schema, when sent, already checked against the fingerprint) whatever service the
     * server serves, and the session makes no calls. Used by tools that learn the contract from the
     * server ({@code HardLight.hello}).
     */
    public static final ServiceDescriptor<Object> PROBE = new ServiceDescriptor<>(Object.class, "", new byte[32], "",
            List.of(), (handler, methodId, args, result) -> {
                throw new UnsupportedOperationException("a probe serves nothing");
            });

    private void onHello(ByteBuf msg) {
        Hello hello;
        try {
            hello = Frames.readHello(msg);
        } catch (RpcException e) {
            throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR, "HELLO: " + e.getMessage());
        }
        ClientHandshake handshake;
        try {
            if (service == PROBE) {
                ClientHandshake.checkProbe(hello);
                ready.complete(hello);
                return;
            }
            handshake = ClientHandshake.check(service, hello);
        } catch (ClientHandshake.Refused e) {
            ready.completeExceptionally(e.reason()); // a caller may be waiting on it
            throw e.violation();
        }
        if (stateCodec != null) {
            state = handshake.initialState();
        }
        features = handshake.features();
        if (!handshake.sameSchema()) {
            for (String reason : handshake.refusals()) {
                log.warn("{}{}", logPrefix, reason);
            }
        }
        this.handshake = handshake;
        int n = Math.min(clientMaxInFlight, hello.maxInFlight());
        serverMaxMessageSize = hello.maxMessageSize();
        slots = new AtomicReferenceArray<>(n);
        freeIds = new int[n];
        for (int i = 0; i < n; i++) {
            freeIds[i] = n - 1 - i; // pop the lowest first: small ids encode in one byte
        }
        freeCount = n;
        limit = n;
        ready.complete(hello);
    }

    /** The connection's enabled features, as the server last announced them. */
    public Set<String> features() {
        return features;
    }

    private void onStateDelta(ByteBuf msg) {
        if (stateCodec == null) {
            return; // this client's contract has no state: nothing to keep
        }
        int count = Frames.readStateDeltaHeader(msg);
        WireReader r = new ByteBufWireReader(msg);
        Object before = state;
        Object after = stateCodec.applyDelta(before, count, r);
        r.expectEnd("STATE_DELTA");
        state = after;
        for (StateListener<Object> l : stateListeners) {
            try {
                l.stateChanged(before, after);
            } catch (RuntimeException e) {
                log.warn("{}state listener failed", logPrefix, e);
            }
        }
    }

    /**
     * Starts a call if a slot is free, counting its deadline from now: same as
     * {@code tryStart(method, args, deadline, nanoTime())}.
     */
    public @Nullable PendingCall tryStart(MethodDescriptor<?> method, ArgumentWriter args,
                                          @Nullable Duration deadline) {
        return tryStart(method, args, deadline, now());
    }

    /**
     * Starts a call if a call slot is free: encodes the CALL frame and sends it. Returns {@code null},
     * sending nothing, when every slot is taken; the caller may try again when the
     * {@link #onSlotFree slot listener} runs. Never waits. When {@code deadline} passes before the
     * answer, the returned call fails with {@link Status#DEADLINE_EXCEEDED} and a CANCEL is sent; its
     * slot stays reserved until the server answers.
     *
     * @param deadline the call's deadline, or {@code null} for the session's default (none if it has
     *     none); zero or negative means it has already passed
     * @param startNanos when the call was made, by {@link #nanoTime()}: the deadline counts from then,
     *     so a caller that waited for a slot passes the time it first tried
     * @return the call, sent; or {@code null} if no slot is free
     * @throws IllegalStateException if a deadline applies and this session was made without a {@link Timer}
     * @throws RpcException if the session is closed or not ready ({@code UNAVAILABLE} after the server's
     *     GO_AWAY), the method is unusable on this server or needs a feature the connection lacks, the
     *     arguments cannot be encoded or are too big, or {@code DEADLINE_EXCEEDED} if the deadline has
     *     already passed (nothing is sent)
     */
    public @Nullable PendingCall tryStart(MethodDescriptor<?> method, ArgumentWriter args,
                                          @Nullable Duration deadline, long startNanos) {
        Duration d = deadline != null ? deadline : defaultDeadline;
        if (d != null && timer == null) {
            throw new IllegalStateException("a deadline needs a Timer: this ClientSession was made without one");
        }
        if (!ready.isDone() || ready.isCompletedExceptionally()) {
            throw closedOr(new RpcException(Status.UNAVAILABLE, "not connected"));
        }
        int serverId = handshake.serverMethodId(method.id());
        if (serverId < 0) {
            throw handshake.refusal(method.id());
        }
        checkOpen();
        String needed = method.requiredFeature();
        if (needed != null && !features.contains(needed)) {
            throw new RpcException(Status.PERMISSION_DENIED, service.name() + "." + method.name() + " needs the feature '"
                    + needed + "', which this connection lacks (enabled: " + features + ")");
        }
        String shutdown = goAwayReason;
        if (shutdown != null) {
            throw shuttingDown(shutdown);
        }
        if (d != null && remainingNanos(d, startNanos) <= 0) {
            throw new RpcException(Status.DEADLINE_EXCEEDED, deadlineMessage(method, d) + " (nothing was sent)");
        }
        int id = reserveId();
        if (id < 0) {
            return null;
        }
        if (closedReason != null) {
            giveBack(id);
            throw closedReason();
        }
        shutdown = goAwayReason;
        if (shutdown != null) {
            giveBack(id);
            throw shuttingDown(shutdown);
        }
        Metadata metadata = Metadata.attached();
        ClientInterceptor[] chain = interceptors;
        CallInfo info = null;
        if (chain.length > 0) {
            info = new CallInfo(method, metadata);
            try {
                for (ClientInterceptor ic : chain) {
                    info.started(ic.start(info));
                }
            } catch (RuntimeException e) {
                giveBack(id);
                info.completed(null, e);
                throw e;
            }
            metadata = info.sent();
        }
        ByteBuf buf = out.alloc().buffer();
        PendingCall call = new PendingCall(id, method);
        if (info != null) {
            info.call = call;
            if (info.completionCount > 0) {
                call.whenComplete(info::completed);
            }
        }
        try {
            Frames.writeCallHeader(buf, id, serverId, metadata);
            args.write(new ByteBufWireWriter(buf));
            if (buf.readableBytes() > serverMaxMessageSize) {
                throw new RpcException(Status.RESOURCE_EXHAUSTED, "the call to " + method.name() + " is "
                        + buf.readableBytes() + " bytes; the server accepts at most " + serverMaxMessageSize);
            }
        } catch (RuntimeException e) {
            buf.release();
            freeSlot(id);
            if (info != null) {
                call.completeExceptionally(e);
            }
            throw e;
        }
        slots.set(id, call);
        out.send(buf);
        if (closedReason != null && slots.compareAndSet(id, call, null)) {
            // Closed while we were sending: nobody else will fail this call.
            freeSlot(id);
            call.completeExceptionally(closedReason());
        }
        if (d != null && !call.isDone()) {
            call.startDeadline(d, remainingNanos(d, startNanos));
        }
        return call;
    }

    /**
     * The session's clock, in nanoseconds: its {@link Timer}'s, which deadlines are measured with (0
     * without a timer: then nothing measures time).
     */
    public long nanoTime() {
        return now();
    }

    /** The timer's clock (deadlines need a timer; without one nothing measures time). */
    private long now() {
        return timer == null ? 0 : timer.nanoTime();
    }

    /**
     * What is left of {@code deadline} for a call started at {@code startNanos} on the session's clock:
     * negative or zero once it passed (a deadline too long for a long counts as centuries).
     */
    long remainingNanos(Duration deadline, long startNanos) {
        long total;
        try {
            total = deadline.toNanos();
        } catch (ArithmeticException e) {
            total = deadline.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE; // centuries: as good as no deadline
        }
        return total <= 0 ? total : total - (now() - startNanos);
    }

    private String deadlineMessage(MethodDescriptor<?> method, Duration deadline) {
        return deadlineMessage(service, method, deadline);
    }

    /** Why a call failed with DEADLINE_EXCEEDED: "Service.method did not complete within 2 s". */
    public static String deadlineMessage(ServiceDescriptor<?> service, MethodDescriptor<?> method, Duration deadline) {
        return service.name() + "." + method.name() + " did not complete within " + describe(deadline);
    }

    /** A duration as people write it: {@code 50 ms}, {@code 0.25 ms}, {@code 1.5 s}. */
    public static String describe(Duration d) {
        if (d.isNegative()) {
            return d.toString();
        }
        if (d.getSeconds() == 0) {
            return BigDecimal.valueOf(d.getNano(), 6).stripTrailingZeros().toPlainString() + " ms";
        }
        return BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9)).stripTrailingZeros()
                .toPlainString() + " s";
    }

    private void checkOpen() {
        if (closedReason != null) {
            throw closedReason();
        }
    }

    private RpcException closedOr(RpcException fallback) {
        return closedReason != null ? closedReason() : fallback;
    }

    private RpcException closedReason() {
        RpcException r = closedReason;
        return new RpcException(r.status(), r.getMessage());
    }

    /** Takes the lowest free call id; -1 when none is free. */
    private int reserveId() {
        idLock.lock();
        try {
            int n = freeCount;
            if (n == 0) {
                return -1;
            }
            freeCount = n - 1;
            return freeIds[n - 1];
        } finally {
            idLock.unlock();
        }
    }

    private void pushId(int id) {
        idLock.lock();
        try {
            freeIds[freeCount] = id;
            freeCount = freeCount + 1;
        } finally {
            idLock.unlock();
        }
    }

    /** Gives back an id reserved by a start that sent nothing (no call ended: the idle listener is not told). */
    private void giveBack(int id) {
        pushId(id);
        slotFreed();
    }

    /** Frees the slot of a call that ended. */
    private void freeSlot(int id) {
        pushId(id);
        slotFreed();
        if (inFlight() == 0) {
            Runnable idle = idleListener;
            if (idle != null) {
                idle.run();
            }
        }
    }

    private PendingCall take(int callId, String frame) {
        PendingCall call = callId < limit ? slots.get(callId) : null;
        if (call == null) {
            throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR, frame + " for call id " + callId + " not in flight");
        }
        // Under the call's lock: a concurrent cancel() either sees the slot still ours and queues its
        // CANCEL before the id can be reused, or sees it free and sends nothing.
        synchronized (call) {
            if (!slots.compareAndSet(callId, call, null)) {
                throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR, frame + " for call id " + callId + " not in flight");
            }
        }
        call.stopDeadline();
        freeSlot(callId);
        return call;
    }

    private void onResult(ByteBuf msg) {
        completeResult(take(Frames.readAnswerHeader(msg), "RESULT"), msg);
    }

    /**
     * Decodes the call's result from the rest of {@code msg} and completes the call. The call is already
     * out of its slot, so nothing may escape without completing it: a value that cannot be decoded (or a
     * codec failing in any way) fails this call with {@code PROTOCOL_ERROR}, and the connection goes on.
     */
    private void completeResult(PendingCall call, ByteBuf msg) {
        Object value;
        try {
            WireReader r = new ByteBufWireReader(msg);
            value = call.method.returnCodec().decode(r);
            r.expectEnd("the result of " + call.method.name());
        } catch (RuntimeException e) {
            call.completeExceptionally(new RpcException(Status.PROTOCOL_ERROR,
                    "cannot decode the result of " + call.method.name() + ": " + e.getMessage()));
            return;
        }
        call.complete(value);
    }

    /**
     * A RESULT_META or ERROR_META: the metadata, then as the plain frame. The whole frame is read before
     * the call leaves its slot, so a frame malformed after its metadata is a violation that fails the
     * call with the connection (taken first, it would have been missed and left pending for ever). Bad
     * metadata fails only the call.
     */
    private void onAnswerWithMetadata(ByteBuf msg, boolean result) {
        int callId = Frames.readAnswerHeader(msg);
        String frame = result ? "RESULT_META" : "ERROR_META";
        Metadata metadata;
        try {
            metadata = MetadataCodec.read(msg);
        } catch (MetadataCodec.BadMetadata e) {
            PendingCall call = take(callId, frame);
            call.completeExceptionally(new RpcException(Status.PROTOCOL_ERROR, "bad response metadata for "
                    + call.method.name() + ": " + e.getMessage()));
            return;
        }
        Frames.ErrorBody error = result ? null : Frames.readErrorRest(msg, callId);
        PendingCall call = take(callId, frame);
        call.responseMetadata = metadata;
        if (result) {
            completeResult(call, msg);
        } else {
            completeError(call, error);
        }
    }

    private void onError(ByteBuf msg) {
        Frames.ErrorBody e = Frames.readErrorBody(msg);
        completeError(take(e.callId(), "ERROR"), e);
    }

    /**
     * Fails the call with its declared exception or an {@code RpcException} of the ERROR's status. A
     * declared exception whose constructor throws fails the call with the plain status instead (the call
     * is out of its slot: it must complete).
     */
    private void completeError(PendingCall call, Frames.ErrorBody e) {
        List<DeclaredError> declared = call.method.declaredErrors();
        if (e.declaredIndex() > 0 && e.declaredIndex() <= declared.size()) {
            Throwable error;
            try {
                error = declared.get(e.declaredIndex() - 1).factory().apply(e.message());
            } catch (RuntimeException failed) {
                error = new RpcException(e.status(), e.message());
                error.addSuppressed(failed);
            }
            call.completeExceptionally(error);
        } else {
            call.completeExceptionally(new RpcException(e.status(), e.message()));
        }
    }

    /**
     * The connection is gone: every pending call fails with {@code reason} (normally
     * {@link Status#CONNECTION_LOST}), the {@link #onSlotFree slot listener} is told (so callers waiting
     * for a slot wake up and fail), later calls fail fast.
     */
    public void onClosed(RpcException reason) {
        onClosed(reason, null);
    }

    /**
     * As {@link #onClosed(RpcException)}, but the calls pending now fail with {@code pendingReason}
     * when it is not null: the transport knows they did not run (protocol.md 3.6).
     */
    public void onClosed(RpcException reason, @Nullable RpcException pendingReason) {
        if (closedReason != null) {
            return;
        }
        closedReason = reason;
        ready.completeExceptionally(reason);
        if (ownsEvents) {
            eventQueue.close(reason);
        }
        int l = limit;
        if (l == 0) {
            slotFreed(); // wakes any waiting caller, which sees closedReason
            return;
        }
        for (int i = 0; i < l; i++) {
            PendingCall call = slots.getAndSet(i, null);
            if (call != null) {
                call.stopDeadline();
                call.completeExceptionally(pendingReason != null ? pendingReason : closedReason());
            }
        }
        slotFreed(); // wakes the waiting callers, which see closedReason
    }

    /** A call in flight; cancelling it (or its deadline passing) sends CANCEL to the server. */
    public final class PendingCall extends CompletableFuture<Object> {
        final int callId;
        final MethodDescriptor<?> method;
        /** The deadline's timer task, once scheduled; cancelled when the answer arrives. */
        private volatile Timer.Scheduled deadlineTask;
        /** The answer's metadata; set by the event loop before the call completes. */
        volatile Metadata responseMetadata = Metadata.empty();

        /** The metadata of the server's answer; empty until it arrived, and when it had none. */
        public Metadata responseMetadata() {
            return responseMetadata;
        }

        PendingCall(int callId, MethodDescriptor<?> method) {
            this.callId = callId;
            this.method = method;
        }

        public MethodDescriptor<?> method() {
            return method;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                stopDeadline();
                sendCancel();
            }
            return cancelled;
        }

        /** Sends CANCEL if the slot is still this call's (the server has not answered yet). */
        private void sendCancel() {
            if (closedReason != null) {
                return;
            }
            synchronized (this) {
                if (slots.get(callId) == this) {
                    ByteBuf buf = out.alloc().buffer(8);
                    Frames.writeCancel(buf, callId);
                    out.send(buf);
                }
            }
        }

        void startDeadline(Duration deadline, long remainingNanos) {
            Timer.Scheduled task = timer.schedule(() -> expire(deadline), Duration.ofNanos(Math.max(0, remainingNanos)));
            deadlineTask = task;
            if (isDone()) {
                task.cancel(); // answered (or failed) while we were scheduling
            }
        }

        private void expire(Duration deadline) {
            if (completeExceptionally(new RpcException(Status.DEADLINE_EXCEEDED, deadlineMessage(method, deadline)))) {
                sendCancel();
            }
        }

        void stopDeadline() {
            Timer.Scheduled task = deadlineTask;
            if (task != null) {
                task.cancel();
            }
        }
    }

    /** A call as interceptors see it; exists only when interceptors are set. */
    private final class CallInfo implements ClientCall {
        private final MethodDescriptor<?> method;
        private Metadata.Builder metadata;
        private Metadata built;
        private ClientInterceptor.Completion[] completions;
        int completionCount;
        volatile PendingCall call;

        CallInfo(MethodDescriptor<?> method, Metadata attached) {
            this.method = method;
            this.built = attached;
        }

        void started(ClientInterceptor.Completion c) {
            if (c == null) {
                return;
            }
            if (completions == null) {
                completions = new ClientInterceptor.Completion[interceptors.length];
            }
            completions[completionCount++] = c;
        }

        Metadata sent() {
            Metadata m = requestMetadata();
            metadata = null;
            built = m;
            sent = true;
            return m;
        }

        private boolean sent;

        @Override
        public String service() {
            return service.name();
        }

        @Override
        public String method() {
            return method.name();
        }

        @Override
        public Metadata requestMetadata() {
            if (metadata != null) {
                built = metadata.build();
                metadata = null;
            }
            return built;
        }

        private Metadata.Builder builder() {
            if (sent) {
                throw new IllegalStateException("the call was sent: metadata can only be added in ClientInterceptor.start");
            }
            if (metadata == null) {
                metadata = built.toBuilder();
            }
            return metadata;
        }

        @Override
        public void putMetadata(String key, String value) {
            builder().put(key, value);
        }

        @Override
        public void putMetadata(String key, byte[] value) {
            builder().put(key, value);
        }

        @Override
        public Metadata responseMetadata() {
            PendingCall c = call;
            return c == null ? Metadata.empty() : c.responseMetadata;
        }

        void completed(Object value, Throwable failure) {
            Throwable f = failure instanceof CompletionException ce && ce.getCause() != null
                    ? ce.getCause() : failure;
            Status status = f == null ? Status.OK
                    : f instanceof CancellationException ? Status.CANCELLED
                    : f instanceof RpcException r ? r.status()
                    : Status.APPLICATION_ERROR;
            for (int i = completionCount - 1; i >= 0; i--) {
                try {
                    completions[i].completed(status, f);
                } catch (RuntimeException e) {
                    log.warn("{}client interceptor failed on the completion of {}", logPrefix, method.name(), e);
                }
            }
        }
    }
}
