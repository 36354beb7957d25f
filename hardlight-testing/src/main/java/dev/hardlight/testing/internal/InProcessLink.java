package dev.hardlight.testing.internal;

import dev.hardlight.CloseReason;
import dev.hardlight.EventListener;
import dev.hardlight.EventStream;
import dev.hardlight.HandlerFactory;
import dev.hardlight.RpcException;
import dev.hardlight.StateListener;
import dev.hardlight.Status;
import dev.hardlight.internal.protocol.CallResults;
import dev.hardlight.internal.protocol.ClientSession;
import dev.hardlight.internal.protocol.InFlight;
import dev.hardlight.internal.protocol.Outbound;
import dev.hardlight.internal.protocol.ProtocolViolation;
import dev.hardlight.internal.protocol.ServerSession;
import dev.hardlight.internal.protocol.SlotQueue;
import dev.hardlight.internal.protocol.Timer;
import dev.hardlight.internal.protocol.TopicRegistry;
import dev.hardlight.service.ArgumentWriter;
import dev.hardlight.service.MethodDescriptor;
import dev.hardlight.service.RpcChannel;
import dev.hardlight.service.ServiceDescriptor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One in-process connection: a {@link ClientSession} and a {@link ServerSession} joined in memory,
 * no socket, no codec but the protocol's frames. Each frame one side sends is copied and handed to the
 * other on the link's own thread, which plays both sides' I/O thread (in order, one frame at a time, as
 * a socket's event loop would); handlers run on virtual threads; deadlines are scheduled on the same
 * thread. The application sees it as the {@link RpcChannel} of a client.
 *
 * <p>Thread rule: thread-safe for callers; both sessions' {@code onMessage}/{@code onClosed} run on
 * the link's thread only.
 */
public final class InProcessLink implements RpcChannel {
    /** The largest message either side accepts (the Netty transport's defaults). */
    private static final int MAX_MESSAGE_SIZE = 1024 * 1024;
    private static final long CONNECT_TIMEOUT_SECONDS = 10;
    private static final long CLOSE_WAIT_MILLIS = 2000;

    private final ServiceDescriptor<?> service;
    private final String target;
    private final ScheduledThreadPoolExecutor loop;
    private final ClientSession client;
    /** The callers waiting for a free call slot of {@link #client}. */
    private final SlotQueue slots;
    private final ServerSession<?> server;
    private final Consumer<InProcessLink> onClosed;
    /** Set once, by whichever side closes first (any thread); after it no frame is delivered. */
    private volatile boolean closed;
    /** The link's thread, once started. */
    private volatile Thread loopThread;

    private <S> InProcessLink(ServiceDescriptor<S> service, HandlerFactory<S> factory, TopicRegistry<?> topics, long id,
                              Executor handlers, Duration defaultDeadline, Consumer<InProcessLink> onClosed) {
        this.service = service;
        this.target = "in-process " + service.name() + " #" + id;
        this.onClosed = onClosed;
        this.loop = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "hl-in-process-" + id);
            t.setDaemon(true);
            loopThread = t;
            return t;
        });
        loop.setRemoveOnCancelPolicy(true);
        Timer timer = (task, delay) -> {
            try {
                ScheduledFuture<?> f = loop.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            } catch (RejectedExecutionException e) {
                return () -> { }; // closed: the session fails its calls itself
            }
        };
        this.client = new ClientSession(service, new ToServer(), InFlight.DEFAULT, ClientSession.DEFAULT_EVENT_QUEUE,
                timer, defaultDeadline, "[" + target + " client] ");
        this.slots = new SlotQueue(client);
        this.server = ServerSession.open(service, factory, topics, id,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), new ToClient(), handlers, InFlight.DEFAULT,
                MAX_MESSAGE_SIZE, "[" + target + " server] ");
    }

    /**
     * Opens a connection to an in-process server: makes both sessions (the factory runs now, on this
     * thread), sends the server's hello and waits for the client to handle it.
     *
     * @param defaultDeadline the client's default deadline, {@code null} for none
     * @param onClosed told once, on the link's thread, when the connection has closed
     * @throws RuntimeException what the factory throws (the connection is refused)
     */
    public static <S> InProcessLink open(ServiceDescriptor<S> service, HandlerFactory<S> factory, TopicRegistry<?> topics,
                                         long id, Executor handlers, Duration defaultDeadline,
                                         Consumer<InProcessLink> onClosed) {
        InProcessLink link = new InProcessLink(service, factory, topics, id, handlers, defaultDeadline, onClosed);
        link.loop.execute(link.server::start);
        try {
            link.client.ready().get(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            link.close();
            throw e.getCause() instanceof RpcException r ? r
                    : new RpcException(Status.UNAVAILABLE, "connecting " + link.target + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            link.close();
            throw new RpcException(Status.UNAVAILABLE, "the in-process server's hello did not arrive within "
                    + CONNECT_TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            link.close();
            throw new RpcException(Status.CANCELLED, "interrupted while connecting " + link.target);
        }
        return link;
    }

    /** The server's side of this connection (for the server's bookkeeping). */
    public ServerSession<?> serverSession() {
        return server;
    }

    // ---- delivery (the link's thread) -----------------------------------------------------------

    private static byte[] bytes(ByteBuf frame) {
        try {
            return ByteBufUtil.getBytes(frame);
        } finally {
            frame.release();
        }
    }

    /** Runs {@code task} on the link's thread unless the link is closed. */
    private void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            // closed: frames after the close are dropped, as a closed socket drops them
        }
    }

    /**
     * One direction: each frame sent is copied and handed to the receiving session on the link's thread;
     * a protocol violation there closes the connection as the receiving side would.
     */
    private abstract class Direction implements Outbound {
        @Override
        public ByteBufAllocator alloc() {
            return UnpooledByteBufAllocator.DEFAULT;
        }

        @Override
        public void send(ByteBuf frame) {
            byte[] b = bytes(frame);
            onLoop(() -> {
                if (closed) {
                    return;
                }
                try {
                    receive(Unpooled.wrappedBuffer(b));
                } catch (ProtocolViolation v) {
                    violated(v.closeCode() + " " + v.getMessage());
                }
            });
        }

        @Override
        public boolean isOpen() {
            return !closed;
        }

        /** The receiving session handles a frame (the link's thread). */
        abstract void receive(ByteBuf frame);

        /** The receiving session found a frame breaking the protocol (the link's thread). */
        abstract void violated(String close);
    }

    /** The client's frames, to the server. */
    private final class ToServer extends Direction {
        @Override
        void receive(ByteBuf frame) {
            server.onMessage(frame);
        }

        @Override
        void violated(String close) {
            closeBoth(new CloseReason(CloseReason.Kind.PROTOCOL_VIOLATION, close), lost("the server closed it (" + close + ")"));
        }

        /** The client closes (its own close, or the server broke the protocol). */
        @Override
        public void close(int code, String reason) {
            onLoop(() -> closeBoth(new CloseReason(CloseReason.Kind.CLIENT_CLOSED, code + " " + reason),
                    code == ProtocolViolation.NORMAL ? closedByClient() : brokeTheProtocol(code + " " + reason)));
        }
    }

    /** The server's frames, to the client. */
    private final class ToClient extends Direction {
        @Override
        void receive(ByteBuf frame) {
            client.onMessage(frame);
        }

        @Override
        void violated(String close) {
            closeBoth(new CloseReason(CloseReason.Kind.CONNECTION_LOST, close), brokeTheProtocol(close));
        }

        /** The server closes ({@code Connection.close()}, its slow-consumer policy, its shutdown). */
        @Override
        public void close(int code, String reason) {
            onLoop(() -> closeBoth(new CloseReason(code == ProtocolViolation.GOING_AWAY ? CloseReason.Kind.SERVER_SHUTDOWN
                    : CloseReason.Kind.SERVER_CLOSED, code + " " + reason), lost("the server closed it (" + code + " " + reason + ")")));
        }
    }

    private RpcException brokeTheProtocol(String close) {
        return new RpcException(Status.CONNECTION_LOST, "the connection to " + target
                + " was closed by this client: the server broke the protocol (" + close + ")");
    }

    private RpcException lost(String why) {
        return new RpcException(Status.CONNECTION_LOST, "the connection to " + target + " was lost: " + why);
    }

    private RpcException closedByClient() {
        return new RpcException(Status.CONNECTION_LOST, "the connection to " + target + " was closed by this client");
    }

    /** Ends both sessions once (the link's thread), then the link's thread itself. */
    private void closeBoth(CloseReason serverReason, RpcException clientReason) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.onClosed(serverReason);
        } finally {
            try {
                client.onClosed(clientReason);
            } finally {
                loop.shutdown();
                onClosed.accept(this);
            }
        }
    }

    // ---- RpcChannel -----------------------------------------------------------------------------

    @Override
    public ServiceDescriptor<?> service() {
        return service;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> R call(MethodDescriptor<R> method, ArgumentWriter args, Duration deadline) throws Exception {
        return (R) CallResults.await(slots.start(method, args, deadline), method);
    }

    @Override
    public <R> CompletableFuture<R> callAsync(MethodDescriptor<R> method, ArgumentWriter args, Duration deadline) {
        return CallResults.startAsync(slots, method, args, deadline);
    }

    @Override
    public Object state() {
        return client.state();
    }

    @Override
    public void addStateListener(StateListener<Object> listener) {
        client.addStateListener(listener);
    }

    @Override
    public void removeStateListener(StateListener<Object> listener) {
        client.removeStateListener(listener);
    }

    @Override
    public EventStream<Object> events() {
        return client.events();
    }

    @Override
    public void addEventListener(EventListener<Object> listener) {
        client.addEventListener(listener);
    }

    @Override
    public void removeEventListener(EventListener<Object> listener) {
        client.removeEventListener(listener);
    }

    @Override
    public Set<String> features() {
        return Collections.unmodifiableSet(client.features());
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    /**
     * Closes the connection as a client's close does (the server sees {@code CLIENT_CLOSED}, pending calls
     * fail with CONNECTION_LOST); waits up to two seconds for both sessions to have closed.
     */
    @Override
    public void close() {
        new ToServer().close(ProtocolViolation.NORMAL, "closed by the client");
        closeFromServer(null);
    }

    /**
     * Closes the connection from the server's side with {@code reason} ({@code null}: only waits for a
     * close already under way); waits up to two seconds for both sessions to have closed.
     */
    public void closeFromServer(CloseReason reason) {
        if (reason != null) {
            onLoop(() -> closeBoth(reason, lost("the server closed it (" + reason.description() + ")")));
        }
        if (Thread.currentThread() != loopThread) {
            try {
                loop.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "RpcChannel[" + target + (isOpen() ? " open" : " closed") + "]";
    }
}
