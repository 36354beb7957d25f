package dev.hardlight.netty;

import dev.hardlight.internal.protocol.ProtocolViolation;
import dev.hardlight.netty.internal.IoThreads;
import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * I/O threads that client connections share, owned by the application: give it to
 * {@link ClientOptions.Builder#group(ClientGroup)}, and every client connected with those options
 * runs on these threads. Without one, clients share a group of the process (daemon threads, twice
 * the available processors, never shut down), or with {@link ClientOptions.Builder#busyPoll(boolean)}
 * one busy-polling thread of the process; a group of one's own sets the number of threads, keeps one
 * set of clients apart from the others (a busy-polling group for the latency-critical ones, say),
 * and can be shut down.
 *
 * <p>A client costs its connection: a socket, its buffers, a small state; threads are shared. One
 * client is thread-safe and may be used by any number of threads at once; many clients (thousands)
 * may share a group of a few threads, each connection served by one of them.
 *
 * <pre>{@code
 * try (ClientGroup group = ClientGroup.create(2)) {
 *     ClientOptions options = ClientOptions.builder().pinned(fingerprint).group(group).build();
 *     List<CounterClient> clients = ...; // HardLight.connect(uri, options, CounterClient.FACTORY), as many as needed
 *     ...
 * } // closes the clients still open, then stops the threads
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class ClientGroup implements AutoCloseable {
    /** The close reason the connections still open get when their group is closed. */
    static final String CLOSED_REASON = "client group closed";
    /** How long {@link #close()} waits for the connections to close, and then for the threads to end. */
    private static final long CLOSE_WAIT_MILLIS = 2_000;

    private final IoThreads threads;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ClientGroup(int threads, boolean busyPoll) {
        this.threads = IoThreads.create(Settings.positive("threads", threads), busyPoll ? "hl-group-spin" : "hl-group", true, busyPoll);
    }

    /**
     * A group of {@code threads} I/O threads that sleep while there is nothing to do: the usual choice,
     * one or two threads serve many connections.
     *
     * @throws IllegalArgumentException unless positive
     */
    public static ClientGroup create(int threads) {
        return new ClientGroup(threads, false);
    }

    /**
     * A group of {@code threads} busy-polling I/O threads: while at least one of its connections is
     * open, each thread polls its sockets and tasks without ever sleeping, so answers are read as
     * soon as they arrive and calls are written without a thread wake-up. <b>Each thread uses 100% of
     * a core while a connection is open, even with no traffic</b>; with none open, they sleep. Use
     * one thread, or a few on a machine with cores to spare: spinning threads that compete for too
     * few cores make latency worse. See {@link ClientOptions.Builder#busyPoll(boolean)}.
     *
     * @throws IllegalArgumentException unless positive
     */
    public static ClientGroup busyPoll(int threads) {
        return new ClientGroup(threads, true);
    }

    /** The number of I/O threads. */
    public int threads() {
        return threads.threads();
    }

    /** Whether the threads busy-poll ({@link #busyPoll(int)}). */
    public boolean isBusyPoll() {
        return threads.busyPoll();
    }

    /** Connections open on this group now (connecting ones included). */
    public int connections() {
        return threads.openChannels();
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Closes the connections still open on this group, then stops its threads. Each open connection
     * is closed with a WebSocket close (1001 "client group closed"): its pending calls fail with
     * {@code CONNECTION_LOST} and later calls fail at once, as after {@code close()} on the client.
     * From then on, connecting with options naming this group fails with {@code UNAVAILABLE}
     * ("... the ClientGroup is closed"). Waits up to a few seconds for the connections and threads
     * to end (not when called on one of the group's own threads, from a listener say: then it returns
     * at once and they end shortly after). Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        threads.refuseNewChannels("the ClientGroup is closed");
        boolean onOwnThread = isOwnThread();
        List<Channel> open = threads.closeChannels(ProtocolViolation.GOING_AWAY, CLOSED_REASON);
        if (!onOwnThread) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
            for (Channel ch : open) {
                ch.closeFuture().awaitUninterruptibly(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        }
        threads.shutdownGracefully(0, CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        if (!onOwnThread) {
            threads.terminationFuture().awaitUninterruptibly(CLOSE_WAIT_MILLIS * 2);
        }
    }

    private boolean isOwnThread() {
        for (EventExecutor loop : threads) {
            if (loop.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    /** The threads, for the transport. */
    IoThreads ioThreads() {
        return threads;
    }

    @Override
    public String toString() {
        return "ClientGroup[" + threads() + (isBusyPoll() ? " busy-polling" : "") + " threads, " + connections()
                + " connections" + (isClosed() ? ", closed" : "") + "]";
    }
}
