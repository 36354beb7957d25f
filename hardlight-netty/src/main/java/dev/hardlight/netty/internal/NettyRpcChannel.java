package dev.hardlight.netty.internal;

import dev.hardlight.EventListener;
import dev.hardlight.RpcException;
import dev.hardlight.StateListener;
import dev.hardlight.Status;
import dev.hardlight.internal.protocol.ClientEventQueue;
import dev.hardlight.internal.protocol.CallResults;
import dev.hardlight.internal.protocol.ClientSession;
import dev.hardlight.internal.protocol.Hello;
import dev.hardlight.internal.protocol.ProtocolViolation;
import dev.hardlight.internal.protocol.SlotQueue;
import dev.hardlight.internal.protocol.Timer;
import dev.hardlight.netty.RpcObserver;
import dev.hardlight.service.ArgumentWriter;
import dev.hardlight.service.MethodDescriptor;
import dev.hardlight.service.RpcCalls;
import dev.hardlight.service.ServiceDescriptor;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.ThreadExecutorMap;
import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client connection (a link): the {@link RpcCalls} of one TLS WebSocket (the application sees it through {@link ClientChannel}), driving a
 * {@link ClientSession}. {@link ClientConnector} opens it; calls are encoded on the caller's thread and
 * written through the connection's write queue; answers are decoded on the connection's event loop
 * (of the group its options chose). Once open, a {@link KeepAliveHandler} pings a silent server and
 * gives the connection up (CONNECTION_LOST) after the idle timeout. It tells its {@link LinkListener}
 * when it is ready, going away and lost.
 *
 * <p>Thread rule: thread-safe for callers; the handler-facing methods run on the event loop only.
 */
public final class NettyRpcChannel implements RpcCalls {
    private static final Logger log = LoggerFactory.getLogger(NettyRpcChannel.class);

    /** The largest message a client accepts from a server. */
    public static final int MAX_MESSAGE_SIZE = 16 * 1024 * 1024;
    /** How long {@link #close()} waits for the channel to close. */
    private static final long CLOSE_WAIT_MILLIS = 2_000;

    private final ClientConfig config;
    private final Channel channel;
    private final ChannelOutbound out;
    private final ClientSession session;
    /** The callers waiting for a free call slot of {@link #session}: the session itself never waits. */
    private final SlotQueue slots;
    private final ClientConnector attempt;
    private final LinkListener listener;
    private final String logPrefix;
    private final String target;
    private volatile boolean closedByClient;
    /** Why the keepalive gave the connection up, or null. */
    private volatile String idle;
    /** The keepalive, once open (event loop). */
    private volatile KeepAliveHandler keepAlive;
    private boolean closeNotified; // event loop only
    /** Whether the hello was handled (and the listener told {@code ready}): written once on the event loop. */
    private volatile boolean open;

    /**
     * Made by the connector on the event loop as the channel registers, before it connects.
     *
     * @param events the event queue of the client, which outlives this connection
     */
    NettyRpcChannel(ClientConfig config, Channel ch, ClientConnector attempt, ClientEventQueue events,
                    LinkListener listener, String logPrefix, String target) {
        this.config = config;
        this.channel = ch;
        this.attempt = attempt;
        this.listener = listener;
        this.logPrefix = logPrefix;
        this.target = target;
        this.out = new ChannelOutbound(ch, true);
        this.session = new ClientSession(config.service(), out, config.maxInFlight(), events,
                eventLoopTimer(ch), config.defaultDeadline(), logPrefix);
        this.slots = new SlotQueue(session);
        session.whenGoingAway(this::serverGoingAway);
        session.interceptors(config.options().interceptors());
    }

    /** Reports this connection to the client's observer, if any: once the upgrade succeeded. */
    void observe() {
        RpcObserver observer = config.options().observer();
        if (observer != null) {
            out.observe(new ObserverTap(observer, config.service(), false, config.maxInFlight()));
        }
    }

    /**
     * Deadlines run on the connection's event loop: a deadline task is a scheduled task of the loop,
     * cancelled when the answer arrives. Once the loop is shut down, the channel is gone and
     * {@code channelClosed} fails every call; a task that cannot be scheduled is not needed then.
     */
    private static Timer eventLoopTimer(Channel ch) {
        return (task, delay) -> {
            long nanos = Math.max(0, saturatedNanos(delay));
            ScheduledFuture<?> f;
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

    // ---- for the connector, the handlers and the owner ----------------------------------------

    String target() {
        return target;
    }

    String logPrefix() {
        return logPrefix;
    }

    ChannelOutbound outbound() {
        return out;
    }

    /** The server's hello, once the channel is ready ({@code null} before). */
    Hello hello() {
        return session.ready().getNow(null);
    }

    /** The session, for the connector to wait for its hello. */
    ClientSession session() {
        return session;
    }

    /** The keepalive of the open connection: on a silent server, closes the channel without a close handshake. */
    KeepAliveHandler newKeepAlive() {
        KeepAliveHandler k = new KeepAliveHandler(config.keepAlive(), out, () -> {
            idle = "no data from the server for " + KeepAliveHandler.describeIdleTimeout(config.keepAlive());
            log.debug("{}{}, closing", logPrefix, idle);
            channel.close();
        });
        keepAlive = k;
        return k;
    }

    /**
     * The hello was handled (event loop, before any later frame is): tells the listener, before the
     * connecting thread returns, so the link is installed when it does.
     */
    void helloHandled() {
        open = true;
        listener.ready(this);
    }

    /** One whole message from the server (event loop). */
    void onMessage(ByteBuf message) {
        session.onMessage(message);
    }

    /** The server's GO_AWAY was handled (event loop, within {@link #onMessage}): tells the listener. */
    private void serverGoingAway() {
        if (open) {
            listener.goingAway(this);
        }
    }

    /** Closes the channel without a close handshake (a failed connection attempt). */
    void closeChannel() {
        channel.close();
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
        RpcException reason = attempt.isDone() ? lossReason(peerClose, violation) : attempt.closedBeforeReady(peerClose);
        if (open) {
            listener.lost(this, reason);
        }
        session.onClosed(reason, attempt.isDone() ? notRunReason(peerClose) : null);
    }

    /**
     * GO_AWAY, then the server's 1001 close frame: the server answered every call it received before
     * closing (protocol.md 3.6), so a call still pending never reached it and did not run. Null otherwise.
     */
    private RpcException notRunReason(String peerClose) {
        String goAway = session.goAwayReason();
        if (goAway == null || peerClose == null || closedByClient
                || !peerClose.startsWith(ProtocolViolation.GOING_AWAY + " ")) {
            return null;
        }
        return new RpcException(Status.UNAVAILABLE, "the server shut down (" + goAway
                + ") before it received the call: it did not run (close " + peerClose + ")");
    }

    private RpcException lossReason(String peerClose, String violation) {
        RpcException reason;
        if (idle != null && !closedByClient) {
            reason = new RpcException(Status.CONNECTION_LOST, "the connection to " + target + " was lost: " + idle);
        } else if (violation != null) {
            reason = new RpcException(Status.CONNECTION_LOST, "the connection to " + target
                    + " was closed by this client: the server broke the protocol (" + violation + ")");
        } else if (shutdownExplanation(peerClose) != null && !closedByClient) {
            reason = new RpcException(Status.CONNECTION_LOST, "the connection to " + target + " was lost: "
                    + shutdownExplanation(peerClose));
            log.debug("{}{}", logPrefix, reason.getMessage());
        } else if (closedByClient) {
            reason = new RpcException(Status.CONNECTION_LOST, "the connection to " + target + " was closed by this client");
        } else {
            reason = new RpcException(Status.CONNECTION_LOST, "the connection to " + target + " was lost"
                    + (peerClose == null ? "" : ": the server closed it (" + peerClose + ")"));
            log.debug("{}{}", logPrefix, reason.getMessage());
        }
        return reason;
    }

    /**
     * Why the server closed the connection, if it did so because it shut down: it sent GO_AWAY, or
     * closed with 1001. {@code null} otherwise.
     */
    private String shutdownExplanation(String peerClose) {
        String goAway = session.goAwayReason();
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

    // ---- for the owner (any thread) -------------------------------------------------------------

    /** Starts a call, waiting for a free slot first if every slot is taken; see {@link SlotQueue#start}. */
    ClientSession.PendingCall start(MethodDescriptor<?> method, ArgumentWriter args, Duration deadline) {
        return slots.start(method, args, deadline);
    }

    /** Whether calls can go to this link now: open, and the server has not announced its shutdown. */
    boolean usable() {
        return isOpen() && session.goAwayReason() == null;
    }

    /** The calls in flight on this link. */
    int inFlight() {
        return session.inFlight();
    }

    /** Runs {@code listener} each time a call ends leaving none in flight, on the thread that ended it. */
    void onIdle(Runnable listener) {
        session.onIdle(listener);
    }

    /** Runs {@code task} on the event loop once the channel has closed (at once if it has). */
    void whenClosed(Runnable task) {
        channel.closeFuture().addListener(f -> task.run());
    }

    /** Events from now on are delivered by the link that replaced this one. */
    void muteEvents() {
        session.muteEvents();
    }

    // ---- RpcCalls -----------------------------------------------------------------------------

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
        return (R) CallResults.await(slots.start(method, args, deadline), method);
    }

    /**
     * A blocking call on a Netty I/O thread would stall every connection of that thread, and wait for
     * ever when the answer must be read by that very thread: from a client's state, event or connection
     * listener (the client's own thread), or from a server handler run inline ({@code @NonBlocking})
     * that calls a service on the same event loop. Refuse it instead.
     */
    static void checkNotOnAnIoThread(MethodDescriptor<?> method) {
        if (ThreadExecutorMap.currentExecutor() != null) {
            throw new IllegalStateException("blocking call of " + method.name() + " on a Netty I/O thread would stall it, "
                    + "and wait forever for an answer only this thread can read: use " + method.name()
                    + "Async (callAsync) from listeners and non-blocking handlers");
        }
    }

    @Override
    public <R> CompletableFuture<R> callAsync(MethodDescriptor<R> method, ArgumentWriter args, Duration deadline) {
        return CallResults.startAsync(slots, method, args, deadline);
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
    public Set<String> features() {
        return Collections.unmodifiableSet(session.features());
    }

    /** The connection state as of the last frame this link handled ({@code null}: the service has none). */
    public Object state() {
        return session.state();
    }

    /** Follows this link's state changes (for {@link ClientListeners}, which tells the application). */
    void addStateListener(StateListener<Object> listener) {
        session.addStateListener(listener);
    }

    /** Follows this link's events (for {@link ClientListeners}, which tells the application). */
    void addEventListener(EventListener<Object> listener) {
        session.addEventListener(listener);
    }

    /** Whether this link is open. */
    public boolean isOpen() {
        return open && out.isOpen();
    }

    /**
     * Sends a normal close (1000) and closes the connection; pending calls fail with CONNECTION_LOST.
     * Waits up to two seconds for the channel to close, unless called on its event loop.
     */
    public void close() {
        closedByClient = true;
        out.close(ProtocolViolation.NORMAL, "closed by the client");
        if (!channel.eventLoop().inEventLoop()) {
            channel.closeFuture().awaitUninterruptibly(CLOSE_WAIT_MILLIS);
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
        channel.config().setAutoRead(read);
        if (read) {
            channel.read();
        }
    }

    /**
     * For tests: drops the TCP connection without a WebSocket close handshake, as a crashed client
     * would; with {@code reset}, with a TCP reset (SO_LINGER 0), as a killed process or a cut network
     * would. Not part of the API.
     */
    public void closeAbruptly(boolean reset) {
        if (reset) {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
        }
        channel.close().awaitUninterruptibly(CLOSE_WAIT_MILLIS);
    }

    @Override
    public String toString() {
        return "RpcChannel[" + target + " " + config.service().name() + (isOpen() ? " open" : " closed") + "]";
    }
}
