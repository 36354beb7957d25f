package dev.hardlight.internal.protocol;

import dev.hardlight.CloseReason;
import dev.hardlight.Connection;
import dev.hardlight.HandlerFactory;
import dev.hardlight.Metadata;
import dev.hardlight.Nullable;
import dev.hardlight.RpcException;
import dev.hardlight.ServerCall;
import dev.hardlight.ServerInterceptor;
import dev.hardlight.Status;
import dev.hardlight.UpgradeRequest;
import dev.hardlight.codec.MissingValueException;
import dev.hardlight.codec.RepeatedValueException;
import dev.hardlight.internal.codec.ByteBufWireReader;
import dev.hardlight.internal.codec.ByteBufWireWriter;
import dev.hardlight.service.MethodDescriptor;
import dev.hardlight.service.ServiceDescriptor;
import io.netty.buffer.ByteBuf;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Objects;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one connection's protocol, with no I/O: frames in through {@link #onMessage},
 * frames out through an {@link Outbound}; handler invocations run on the given executor (virtual
 * threads in production, a direct executor in tests), those of methods marked non-blocking on their own
 * executor, which may run them at once on the thread that delivered the call (the I/O thread).
 *
 * <p>Guarantees every CALL exactly one answer (RESULT or ERROR), unless the connection closes first.
 * A call id is a slot below the negotiated in-flight limit; a call reusing a busy slot or beyond the
 * limit is a protocol violation (the client is bound to wait for a free slot).
 *
 * <p>A CANCEL answers the call {@code CANCELLED} at once and frees its slot; the handler's thread is
 * interrupted and whatever it returns later is dropped, so a handler that ignores interrupts cannot hold
 * a slot. After {@link #goAway} every new call is answered {@code UNAVAILABLE}; calls already in flight
 * finish normally, and {@link #inFlight()} tells the transport when they have.
 *
 * <p>Threading: {@link #onMessage} and {@link #onClosed} are called by one thread at a time (the
 * connection's event loop); {@link #goAway} from any thread; invocations complete on executor threads.
 */
public final class ServerSession<S> implements TopicRegistry.EventSink {
    private static final Logger log = LoggerFactory.getLogger(ServerSession.class);

    private final ServiceDescriptor<S> service;
    private final S handler;
    private final Outbound out;
    private final Executor executor;
    /** Runs the methods marked {@code @NonBlocking}: {@link #executor} unless the transport runs them inline. */
    private final Executor nonBlockingExecutor;
    private final String logPrefix;
    private final int maxInFlight;
    private final int maxMessageSize;
    /** Slot per call id, pages made on first use; set by the event loop, cleared by whoever finishes the call (CAS). */
    private final CallSlots<Invocation> slots;
    private final AtomicInteger inFlight = new AtomicInteger();
    /**
     * Handler runs accepted and not yet returned (an answered call whose handler was interrupted still
     * counts until it returns); plus one while the connection is open. Reaching 0 announces the close.
     */
    private final AtomicInteger running = new AtomicInteger(1);
    /** Why the connection ended, set by {@link #onClosed(CloseReason)} before {@link #running} drops its 1. */
    private volatile CloseReason closeReason;
    /** Whether an unexpected handler failure's class and message go to the client (development only). */
    private volatile boolean sendErrorDetails;
    /** Told when the last call in flight is answered ({@link #onIdle}); any thread sets it. */
    private volatile Runnable idleListener;
    private volatile boolean closed;
    /** Set once by {@link #goAway} (any thread), after its frame was queued; read by the event loop. */
    private volatile String goAwayReason;
    /** Makes {@link #goAway} send its frame once. */
    private final AtomicBoolean goAwaySent = new AtomicBoolean();
    private final ServerState<?> state;
    private SessionConnection connection;
    private SessionSubscriptions subscriptions;
    private final SessionFeatures features;
    /** Guarded by 'this': events dropped since the last one delivered. */
    private long missedEvents;
    /** Marks the slot of a call to an unknown method while its error is sent. */
    private final Invocation unknown = new Invocation(-1, null, null, Metadata.empty());
    /** Run around every call, outermost first; empty for none (then nothing of them runs). */
    private volatile ServerInterceptor[] interceptors = NO_INTERCEPTORS;
    private static final ServerInterceptor[] NO_INTERCEPTORS = {};
    /** The call a handler thread is running, for {@link dev.hardlight.ServerCall#current()}. */
    private static final ThreadLocal<ServerCall> CURRENT = new ThreadLocal<>();

    /** The call the calling thread runs as a handler, or {@code null}. */
    public static ServerCall currentCall() {
        return CURRENT.get();
    }

    /**
     * Sets the interceptors run around every call, outermost first (see
     * {@link dev.hardlight.ServerInterceptor}). Call before {@link #start()}.
     */
    public void interceptors(List<ServerInterceptor> list) {
        interceptors = list.isEmpty() ? NO_INTERCEPTORS : list.toArray(new ServerInterceptor[0]);
    }

    /** A session around a handler made beforehand (tests); its state, if any, starts at its initial value. */
    public ServerSession(ServiceDescriptor<S> service, S handler, Outbound out, Executor executor,
                         int maxInFlight, int maxMessageSize, String logPrefix) {
        this(service, handler, newState(service, out), new SessionFeatures(out, Set.of()), out, executor,
                executor, maxInFlight, maxMessageSize, logPrefix);
    }

    private ServerSession(ServiceDescriptor<S> service, S handler, ServerState<?> state, SessionFeatures features,
                          Outbound out, Executor executor, Executor nonBlockingExecutor, int maxInFlight,
                          int maxMessageSize, String logPrefix) {
        InFlight.check(maxInFlight);
        this.service = service;
        this.handler = handler;
        this.out = out;
        this.executor = executor;
        this.nonBlockingExecutor = nonBlockingExecutor;
        this.maxInFlight = maxInFlight;
        this.maxMessageSize = maxMessageSize;
        this.logPrefix = logPrefix;
        this.slots = new CallSlots<>(maxInFlight);
        this.state = state;
        this.features = features;
    }

    private static ServerState<?> newState(ServiceDescriptor<?> service, Outbound out) {
        return service.state() == null ? null : new ServerState<>(service.state(), out);
    }

    /**
     * Opens the session of a new connection: makes its {@link Connection} (state, attachment), lets
     * {@code factory} make the handler (which may set the first state), and returns the session. Call
     * {@link #start()} next to send the hello.
     *
     * @throws RuntimeException whatever the factory throws: refuse the connection (close 1011)
     */
    public static <S> ServerSession<S> open(ServiceDescriptor<S> service, HandlerFactory<S> factory, TopicRegistry<?> topics,
                                            long connectionId, SocketAddress remoteAddress, Outbound out, Executor executor,
                                            int maxInFlight, int maxMessageSize, String logPrefix) {
        return open(service, factory, topics, new Admission(connectionId, remoteAddress, null, Set.of(), null), out, executor,
                maxInFlight, maxMessageSize, logPrefix);
    }

    /**
     * What the transport knows of a connection when it opens.
     *
     * @param request the upgrade request ({@code null} when the transport has none, as in tests)
     * @param features the first feature set (from the authenticator)
     * @param principal the authenticator's principal: the connection's first attachment, or {@code null}
     */
    public record Admission(long connectionId, SocketAddress remoteAddress, UpgradeRequest request, Set<String> features,
                            Object principal) {}

    /** Opens a session with what the authenticator decided (see {@link Admission}). */
    public static <S> ServerSession<S> open(ServiceDescriptor<S> service, HandlerFactory<S> factory, TopicRegistry<?> topics,
                                            Admission admission, Outbound out, Executor executor,
                                            int maxInFlight, int maxMessageSize, String logPrefix) {
        return open(service, factory, topics, admission, out, executor, executor, maxInFlight, maxMessageSize, logPrefix);
    }

    /**
     * Opens a session whose methods marked {@code @NonBlocking} run on {@code nonBlockingExecutor}:
     * {@code Runnable::run} runs them inline, on the thread that calls {@link #onMessage} (the
     * connection's I/O thread), before that call returns. Their answers still go through the
     * {@link Outbound}, after whatever state delta or event they caused, as on any other thread.
     */
    public static <S> ServerSession<S> open(ServiceDescriptor<S> service, HandlerFactory<S> factory, TopicRegistry<?> topics,
                                            Admission admission, Outbound out, Executor executor,
                                            Executor nonBlockingExecutor, int maxInFlight, int maxMessageSize,
                                            String logPrefix) {
        ServerState<?> state = newState(service, out);
        SessionFeatures features = new SessionFeatures(out, admission.features());
        SessionSubscriptions subscriptions = new SessionSubscriptions(topics);
        SessionConnection connection = new SessionConnection(admission.connectionId(), admission.remoteAddress(),
                admission.request(), out, state,
                features, subscriptions, topics, service.events());
        connection.attach(admission.principal());
        S handler;
        try {
            handler = Objects.requireNonNull(factory.create(connection), "the handler factory returned null");
        } catch (RuntimeException | Error e) {
            subscriptions.close(); // whatever the factory subscribed must not outlive the refused connection
            throw e;
        }
        ServerSession<S> session = new ServerSession<>(service, handler, state, features, out, executor,
                nonBlockingExecutor, maxInFlight, maxMessageSize, logPrefix);
        session.connection = connection;
        session.subscriptions = subscriptions;
        return session;
    }

    /** Queues an event frame for this connection, telling the client first how many it missed. */
    @Override
    public void deliverEvent(ByteBuf frame) {
        synchronized (this) {
            if (closed) {
                frame.release();
                return;
            }
            while (missedEvents > 0) { // a count is 31 bits: more than 2^31-1 missed goes as several
                int count = (int) Math.min(missedEvents, Integer.MAX_VALUE);
                ByteBuf notice = out.alloc().buffer(6);
                Frames.writeEventsMissed(notice, count);
                if (!out.offerEvent(notice)) {
                    missedEvents++;
                    frame.release();
                    return;
                }
                missedEvents -= count;
            }
            if (!out.offerEvent(frame)) {
                missedEvents++;
            }
        }
    }

    /** Events dropped for this connection and not yet reported to it. */
    public synchronized long missedEvents() {
        return missedEvents;
    }

    /** The connection handed to the handler factory ({@code null} for sessions made around a handler). */
    public Connection connection() {
        return connection;
    }

    /**
     * Whether an unexpected handler failure (neither declared nor an {@link RpcException}) is described
     * to the client: by default it gets {@code INTERNAL} "internal error (error id X)" only, and the
     * server logs X with the stack trace. For development; call before {@link #start()}.
     */
    public void sendErrorDetails(boolean send) {
        sendErrorDetails = send;
    }

    /** The handler of this connection. */
    public S handler() {
        return handler;
    }

    /** The connection's state, or {@code null} when the service declares none. */
    public ServerState<?> state() {
        return state;
    }

    /** The hello this session opens with, with the given extensions. */
    public Hello hello(List<Hello.Extension> extensions) {
        List<Hello.MethodEntry> methods = new ArrayList<>(service.methods().size());
        for (MethodDescriptor<?> m : service.methods()) {
            methods.add(new Hello.MethodEntry(m.id(), m.name(), m.signatureHash()));
        }
        return new Hello(Frames.VERSION, service.name(), service.fingerprint(), maxInFlight, maxMessageSize,
                methods, extensions);
    }

    /** Sends the hello (with the state snapshot, if any): the first frame of every connection. */
    public void start() {
        start(true);
    }

    /**
     * Sends the hello (with the state snapshot, if any): the first frame of every connection.
     *
     * @param sendSchema whether the hello carries the whole schema text (extension 4); without it,
     *     clients accept only methods, state and events whose hashes equal their own
     */
    public void start(boolean sendSchema) {
        List<Hello.Extension> extensions = new ArrayList<>(5);
        // This server takes BATCH messages (and answers a client that sends them in kind).
        extensions.add(new Hello.Extension(Frames.BATCH_HELLO_EXTENSION, new byte[0]));
        // The whole schema, so a client whose contract differs can apply the compatibility rule.
        if (sendSchema) {
            extensions.add(new Hello.Extension(ClientHandshake.SCHEMA_HELLO_EXTENSION,
                    service.schema().getBytes(StandardCharsets.UTF_8)));
        }
        if (service.events() != null) {
            byte[] hash = new byte[8];
            long h = service.events().schemaHash();
            for (int i = 0; i < 8; i++) {
                hash[i] = (byte) (h >>> (56 - 8 * i));
            }
            extensions.add(new Hello.Extension(EVENTS_HELLO_EXTENSION, hash));
        }
        // The hello is sent while the state's and the features' locks are held, so no STATE_DELTA or
        // FEATURES frame can precede the hello that carries their first value.
        Consumer<Hello.Extension> withState = stateExtension -> features.start(featuresExtension -> {
            if (stateExtension != null) {
                extensions.add(stateExtension);
            }
            extensions.add(featuresExtension);
            extensions.sort(Comparator.comparingInt(Hello.Extension::tag));
            sendHello(extensions);
        });
        if (state == null) {
            withState.accept(null);
        } else {
            state.start(withState);
        }
        if (subscriptions != null) {
            subscriptions.bind(this); // only now: no event may precede the hello
        }
    }

    /** HELLO extension tag carrying the event type's hash ({@code u64be}). */
    static final int EVENTS_HELLO_EXTENSION = 3;

    private void sendHello(List<Hello.Extension> extensions) {
        ByteBuf buf = out.alloc().buffer();
        Frames.writeHello(buf, hello(extensions));
        out.send(buf);
    }

    /**
     * Calls whose answer has not been sent yet. After {@link #goAway} the transport waits for this to
     * reach 0 (no new call can raise it for long: each is answered at once) before it closes with 1001.
     */
    public int inFlight() {
        return inFlight.get();
    }

    /**
     * Runs {@code listener} each time an answer leaves no call in flight, after that answer is sent, on
     * the thread that answered: the transport's signal that a drain may be over, instead of polling
     * {@link #inFlight()}. It must be quick and must not block. Replaces any earlier one.
     */
    public void onIdle(Runnable listener) {
        idleListener = listener;
    }

    /**
     * Starts a graceful shutdown of this connection: sends GO_AWAY with {@code reason} (once; later
     * calls do nothing), then answers every new CALL with ERROR {@code UNAVAILABLE}
     * "server is shutting down: <reason>". Calls already in flight run and are answered normally; wait
     * for {@link #inFlight()} to reach 0, then close. Reasons longer than
     * {@link Frames#MAX_ERROR_MESSAGE_CHARS} characters are cut. Thread-safe.
     */
    public void goAway(String reason) {
        Objects.requireNonNull(reason, "reason");
        if (closed || !goAwaySent.compareAndSet(false, true)) {
            return;
        }
        ByteBuf buf = out.alloc().buffer(8 + Math.min(reason.length(), Frames.MAX_ERROR_MESSAGE_CHARS) * 3);
        Frames.writeGoAway(buf, reason);
        out.send(buf);
        // Only now: a call refused for the shutdown is answered after the GO_AWAY that explains it.
        goAwayReason = reason;
    }

    /**
     * Answers every call still in flight ERROR {@code ABORTED} with {@code message} and interrupts its
     * handler (whose result is then dropped): the shutdown's drain timeout is over, and the client must
     * not take these calls for unrun. Any thread.
     */
    public void abortCalls(String message) {
        for (int i = 0; i < maxInFlight; i++) {
            Invocation inv = slots.get(i);
            if (inv != null && inv != unknown) {
                // Answer first, then interrupt: an interrupted handler finishing first would answer
                // CANCELLED, which tells the client something else.
                finish(i, inv, error(i, Status.ABORTED, message, 0));
                inv.cancel();
            }
        }
    }

    /** Event loop writes, any thread reads: the client has sent a BATCH, so it takes BATCH too. */
    private volatile boolean peerBatches;

    /**
     * Whether the client has sent a BATCH (docs/protocol.md section 3.8): only then may the transport
     * pack this connection's outgoing frames into BATCH messages.
     */
    public boolean peerBatches() {
        return peerBatches;
    }

    /** The reason given to {@link #goAway}, or {@code null} while the session is not shutting down. */
    public @Nullable String goAwayReason() {
        return goAwayReason;
    }

    /**
     * Handles one received message. Does not take ownership of {@code msg}: what must outlive the call
     * is retained here.
     *
     * @throws ProtocolViolation when the client broke the protocol; the caller closes the connection
     */
    public void onMessage(ByteBuf msg) {
        int type = Frames.readType(msg);
        try {
            switch (type) {
                case FrameType.CALL -> onCall(msg, false);
                case FrameType.CALL_META -> onCall(msg, true);
                case FrameType.CANCEL -> onCancel(msg);
                case FrameType.BATCH -> {
                    peerBatches = true; // first: the answers to these very frames may go as a BATCH
                    Frames.forEachInBatch(msg, this::onMessage);
                }
                case FrameType.HELLO, FrameType.RESULT, FrameType.ERROR, FrameType.STATE_DELTA,
                        FrameType.EVENT, FrameType.FEATURES, FrameType.GO_AWAY, FrameType.EVENTS_MISSED,
                        FrameType.RESULT_META, FrameType.ERROR_META, FrameType.EVENT_META ->
                        throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR,
                                FrameType.name(type) + " is a server-to-client frame");
                default -> throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR,
                        "unknown frame type " + FrameType.name(type));
            }
        } catch (RpcException e) {
            // Malformed header fields: the reader already described what is wrong.
            throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR, FrameType.name(type) + ": " + e.getMessage());
        }
    }

    private void onCall(ByteBuf msg, boolean withMetadata) {
        long header = Frames.readCallHeader(msg);
        int callId = Frames.callId(header);
        int methodId = Frames.methodId(header);
        if (callId >= maxInFlight) {
            throw new ProtocolViolation(ProtocolViolation.POLICY_VIOLATION,
                    "call id " + callId + " beyond the negotiated in-flight limit " + maxInFlight);
        }
        String shutdown = goAwayReason;
        if (shutdown != null) {
            if (!slots.compareAndSet(callId, null, unknown)) {
                throw duplicate(callId);
            }
            inFlight.incrementAndGet();
            finish(callId, unknown, error(callId, Status.UNAVAILABLE, "server is shutting down: " + shutdown, 0));
            return;
        }
        if (methodId >= service.methods().size()) {
            if (!slots.compareAndSet(callId, null, unknown)) {
                throw duplicate(callId);
            }
            inFlight.incrementAndGet();
            finish(callId, unknown, error(callId, Status.UNIMPLEMENTED,
                    "unknown method id " + methodId + " for service " + service.name(), 0));
            return;
        }
        MethodDescriptor<?> method = service.methods().get(methodId);
        Metadata metadata = Metadata.empty();
        if (withMetadata) {
            try {
                metadata = MetadataCodec.read(msg);
            } catch (MetadataCodec.BadMetadata e) {
                // Refused before the arguments are decoded: the handler never runs.
                if (!slots.compareAndSet(callId, null, unknown)) {
                    throw duplicate(callId);
                }
                inFlight.incrementAndGet();
                finish(callId, unknown, error(callId, e.status(), e.getMessage(), 0));
                return;
            }
        }
        String needed = method.requiredFeature();
        if (needed != null && !features.has(needed)) {
            // Refused before the arguments are decoded: the handler never runs.
            if (!slots.compareAndSet(callId, null, unknown)) {
                throw duplicate(callId);
            }
            inFlight.incrementAndGet();
            finish(callId, unknown, error(callId, Status.PERMISSION_DENIED,
                    service.name() + "." + method.name() + " needs the feature '" + needed + "', which this connection lacks", 0));
            return;
        }
        Invocation inv = new Invocation(callId, method, msg.retainedSlice(), metadata);
        if (!slots.compareAndSet(callId, null, inv)) {
            inv.args.release();
            throw duplicate(callId);
        }
        inFlight.incrementAndGet();
        running.incrementAndGet();
        try {
            // Inline (a direct executor), the handler runs here and has answered when this returns: no
            // cancel can reach it meanwhile, as cancels arrive on this same thread.
            (method.nonBlocking() ? nonBlockingExecutor : executor).execute(inv);
        } catch (RejectedExecutionException e) {
            inv.args.release();
            finish(callId, inv, error(callId, Status.UNAVAILABLE, "server is shutting down", 0));
            handlerReturned();
        }
    }

    private static ProtocolViolation duplicate(int callId) {
        return new ProtocolViolation(ProtocolViolation.POLICY_VIOLATION, "duplicate call id " + callId + " while in flight");
    }

    private void onCancel(ByteBuf msg) {
        int callId = Frames.readCancelBody(msg);
        if (callId >= maxInFlight) {
            throw new ProtocolViolation(ProtocolViolation.POLICY_VIOLATION,
                    "call id " + callId + " beyond the negotiated in-flight limit " + maxInFlight);
        }
        Invocation inv = slots.get(callId);
        if (inv != null && inv != unknown) {
            // Answer and free the slot now, whatever the handler does: one that ignores the interrupt
            // must not hold the id. Its own finish() later loses the CAS, so its result is dropped and
            // the call still gets exactly one answer.
            inv.cancel();
            finish(callId, inv, error(callId, Status.CANCELLED, CANCELLED_MESSAGE, 0));
        }
        // A cancel for a call already answered crossed our answer on the wire: nothing to do.
    }

    private static final String CANCELLED_MESSAGE = "cancelled by the client";

    /** The connection is gone, for a reason the transport did not tell: see {@link #onClosed(CloseReason)}. */
    public void onClosed() {
        onClosed(new CloseReason(CloseReason.Kind.CONNECTION_LOST, ""));
    }

    /**
     * The connection is gone: interrupts running handlers (their results are dropped); once every one
     * has returned, the connection's close listeners run with {@code reason} (see
     * {@link Connection#onClose}). Call once.
     */
    public void onClosed(CloseReason reason) {
        Objects.requireNonNull(reason, "reason");
        if (closed) {
            return;
        }
        closeReason = reason;
        closed = true;
        if (subscriptions != null) {
            subscriptions.close();
        }
        if (state != null) {
            state.close();
        }
        for (int i = 0; i < maxInFlight; i++) {
            Invocation inv = slots.get(i);
            if (inv != null && inv != unknown) {
                inv.cancel();
            }
        }
        handlerReturned(); // the connection's own count
    }

    /** One handler run (or the open connection) is over; the last one announces the close. */
    private void handlerReturned() {
        if (running.decrementAndGet() == 0 && connection != null) {
            connection.announceClose(closeReason, handler);
        }
    }

    /** 16 hex digits, random: what the client's INTERNAL error and the server's log line share. */
    static String newErrorId() {
        return String.format("%016x", ThreadLocalRandom.current().nextLong());
    }

    private ByteBuf error(int callId, Status status, String message, int declaredIndex) {
        ByteBuf buf = out.alloc().buffer(32 + Math.min(message.length(), Frames.MAX_ERROR_MESSAGE_CHARS) * 3);
        Frames.writeError(buf, callId, status, message, declaredIndex);
        return buf;
    }

    private ByteBuf error(int callId, Status status, String message, int declaredIndex, Metadata metadata) {
        if (metadata.isEmpty()) {
            return error(callId, status, message, declaredIndex);
        }
        ByteBuf buf = out.alloc().buffer(32 + metadata.byteSize() + 3 * metadata.size()
                + Math.min(message.length(), Frames.MAX_ERROR_MESSAGE_CHARS) * 3);
        Frames.writeError(buf, callId, status, message, declaredIndex, metadata);
        return buf;
    }

    /** Frees the slot, then sends: the client may reuse the id only after it sees the answer. */
    private void finish(int callId, Invocation inv, ByteBuf answer) {
        if (slots.compareAndSet(callId, inv, null)) {
            // The slot is free before the answer leaves (the client may reuse the id as soon as it reads
            // it), but the call counts as in flight until its answer is sent: with two answers sent at
            // once, the one that counts last signals, after both (a drain never closes on an answer).
            if (closed) {
                answer.release();
            } else {
                out.send(answer);
            }
            if (inFlight.decrementAndGet() == 0) {
                Runnable idle = idleListener;
                if (idle != null) {
                    idle.run();
                }
            }
        } else {
            answer.release();
        }
    }

    /** One call's run on a handler thread. */
    private final class Invocation implements Runnable, ServerCall {
        final int callId;
        final MethodDescriptor<?> method;
        final ByteBuf args;
        final Metadata requestMetadata;
        /** Response metadata put so far (handler thread); {@code null} while none. */
        private Metadata.Builder response;
        private volatile Thread thread;
        private volatile boolean cancelled;

        Invocation(int callId, MethodDescriptor<?> method, ByteBuf args, Metadata requestMetadata) {
            this.callId = callId;
            this.method = method;
            this.args = args;
            this.requestMetadata = requestMetadata;
        }

        @Override
        public String service() {
            return service.name();
        }

        @Override
        public String method() {
            return method.name();
        }

        @Override
        public int methodId() {
            return method.id();
        }

        @Override
        public Connection connection() {
            return connection;
        }

        @Override
        public Metadata requestMetadata() {
            return requestMetadata;
        }

        @Override
        public void putResponseMetadata(String key, String value) {
            (response == null ? response = Metadata.builder() : response).put(key, value);
        }

        @Override
        public void putResponseMetadata(String key, byte[] value) {
            (response == null ? response = Metadata.builder() : response).put(key, value);
        }

        @Override
        public Metadata responseMetadata() {
            return response == null ? Metadata.empty() : response.build();
        }

        /**
         * One walk of the interceptor chain (handler thread only), made only when there are interceptors:
         * the one {@link dev.hardlight.ServerInterceptor.Next} of every interceptor of the call. 'current'
         * is the interceptor running, 'entered' how many proceeded so far: interceptor i may proceed only
         * while entered == i.
         */
        private final class Walk implements ServerInterceptor.Next {
            private final ServerInterceptor[] chain;
            private final ByteBufWireReader reader;
            private final ByteBufWireWriter writer;
            private int current = -1;
            private int entered;

            Walk(ServerInterceptor[] chain, ByteBufWireReader reader, ByteBufWireWriter writer) {
                this.chain = chain;
                this.reader = reader;
                this.writer = writer;
            }

            /** Runs interceptor {@code index} (or, past the last, the handler). */
            void runFrom(int index) throws Exception {
                if (index == chain.length) {
                    service.dispatcher().dispatch(handler, method.id(), reader, writer);
                    return;
                }
                int outer = current;
                current = index;
                try {
                    chain[index].intercept(Invocation.this, this);
                } finally {
                    current = outer;
                }
                if (entered == index) {
                    throw new IllegalStateException("interceptor " + chain[index].getClass().getName()
                            + " neither proceeded nor refused the call to " + method.name());
                }
            }

            @Override
            public void proceed() throws Exception {
                if (entered != current) {
                    throw new IllegalStateException("an interceptor proceeded twice, or outside its intercept, with one call");
                }
                entered++;
                runFrom(current + 1);
            }
        }

        void cancel() {
            cancelled = true;
            // Under the lock: the thread is still running this call, never the executor's next task.
            synchronized (this) {
                Thread t = thread;
                if (t != null) {
                    t.interrupt();
                }
            }
        }

        @Override
        public void run() {
            synchronized (this) {
                thread = Thread.currentThread();
            }
            ByteBuf result = null;
            try {
                if (cancelled) {
                    finish(callId, this, error(callId, Status.CANCELLED, CANCELLED_MESSAGE, 0));
                    return;
                }
                ByteBufWireReader reader = new ByteBufWireReader(args);
                result = out.alloc().buffer();
                Frames.writeResultHeader(result, callId);
                int headerLength = result.writerIndex();
                CURRENT.set(this);
                try {
                    ServerInterceptor[] chain = interceptors;
                    if (chain.length == 0) {
                        service.dispatcher().dispatch(handler, method.id(), reader, new ByteBufWireWriter(result));
                    } else {
                        new Walk(chain, reader, new ByteBufWireWriter(result)).runFrom(0);
                    }
                } catch (Throwable t) {
                    result.release();
                    result = null;
                    finish(callId, this, errorFor(t, reader.ended()));
                    return;
                } finally {
                    CURRENT.set(null); // not remove(): a pooled thread keeps its entry, so the next call allocates none
                }
                ByteBuf ok = result;
                result = null;
                if (response != null) {
                    Metadata md = response.build();
                    if (!md.isEmpty()) {
                        ByteBuf withMd = out.alloc().buffer(ok.readableBytes() + md.byteSize() + 3 * md.size() + 8);
                        Frames.writeResultHeader(withMd, callId, md);
                        withMd.writeBytes(ok, ok.readerIndex() + headerLength, ok.writerIndex() - headerLength);
                        ok.release();
                        ok = withMd;
                    }
                }
                if (cancelled) {
                    ok.release();
                    finish(callId, this, error(callId, Status.CANCELLED, CANCELLED_MESSAGE, 0));
                } else {
                    finish(callId, this, ok);
                }
            } finally {
                synchronized (this) {
                    thread = null;
                }
                Thread.interrupted(); // a late cancel must not leak an interrupt into the next task
                args.release();
                if (result != null) {
                    result.release();
                }
                handlerReturned();
            }
        }

        /** An ERROR carrying the response metadata put so far. */
        private ByteBuf errorMd(Status status, String message, int declaredIndex) {
            Metadata md = response == null ? Metadata.empty() : response.build();
            return error(callId, status, message, declaredIndex, md);
        }

        private ByteBuf errorFor(Throwable t, boolean argumentsDecoded) {
            if (cancelled) {
                return error(callId, Status.CANCELLED, CANCELLED_MESSAGE, 0);
            }
            if ((t instanceof MissingValueException || t instanceof RepeatedValueException) && argumentsDecoded) {
                String errorId = newErrorId();
                log.warn("{}handler of {} returned a value that cannot be sent (error id {})", logPrefix, method.name(),
                        errorId, t);
                return errorMd(Status.INTERNAL, "internal error (error id " + errorId + ")"
                        + (sendErrorDetails ? ": handler of " + method.name() + " returned a value that cannot be sent: "
                                + t.getMessage() : ""), 0);
            }
            if (t instanceof RpcException e) {
                // Before the declared errors: a method declaring a supertype of RpcException's (an
                // overly broad contract the processor refuses today) must not turn a status into an
                // application error.
                if (!argumentsDecoded && e.status() == Status.PROTOCOL_ERROR) {
                    return errorMd(Status.INVALID_ARGUMENT,
                            "cannot decode the arguments of " + method.name() + ": " + e.getMessage(), 0);
                }
                return errorMd(e.status(), String.valueOf(e.getMessage()), 0);
            }
            int declared = method.declaredErrorIndex(t);
            if (declared >= 0) {
                return errorMd(Status.APPLICATION_ERROR, String.valueOf(t.getMessage()), declared + 1);
            }
            String errorId = newErrorId();
            log.warn("{}handler of {} failed (error id {})", logPrefix, method.name(), errorId, t);
            return errorMd(Status.INTERNAL, "internal error (error id " + errorId + ")"
                    + (sendErrorDetails ? ": handler of " + method.name() + " failed: " + t.getClass().getName()
                            + (t.getMessage() == null ? "" : ": " + t.getMessage()) : ""), 0);
        }
    }
}
