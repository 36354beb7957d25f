package dev.hardlight.hypercore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A {@link Protocol} on a TCP socket, driven by virtual threads: one reads, one writes, one ticks keep-alives
 * each second. Events go to the {@link Handler} on the reading thread, in order; the handler may call this
 * connection's methods (they are thread safe and may be called from any thread).
 *
 * <p>Output is queued for the writing thread, so reading never waits for writing (two peers that both write a
 * lot cannot deadlock). Back-pressure: a call from another thread that finds more than {@value #HIGH_WATER}
 * bytes queued waits until the peer has read below that; calls from the handler never wait. If the queue passes
 * {@value #MAX_QUEUED} bytes (the peer does not read what it asks for) the connection ends with an error.
 * When the protocol ends (an orderly {@link #close()}, the peer's EOF, or an error) the queued output is
 * written, the socket is closed, and {@link Event.Closed} is the last event.
 */
public final class TcpConnection implements AutoCloseable {
    /** Receives a connection's events. */
    @FunctionalInterface
    public interface Handler {
        void onEvent(TcpConnection connection, Event event);
    }

    private static final int READ_BUFFER = 64 * 1024;
    private static final int COALESCE = 64 * 1024;
    /** Queued output above which callers on other threads wait. */
    public static final int HIGH_WATER = 1 << 20;
    /** Queued output at which the connection ends: the peer is not reading. */
    public static final int MAX_QUEUED = 64 << 20;

    private final Socket socket;
    private final Protocol protocol;
    private final Handler handler;
    private final ReentrantLock lock = new ReentrantLock();
    private final OutputStream out;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile String closeError;
    private boolean dispatching;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private long queued;
    private boolean ending;
    private long endingAt;
    /** How long the writer may take to write the last output of an ended connection before the socket is closed anyway. */
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** How long queued output may wait without the peer reading any of it before the connection ends. */
    private static final long WRITE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private volatile long lastProgress = System.nanoTime();
    private final Condition changed = lock.newCondition();
    private volatile Thread reader;

    private TcpConnection(Socket socket, Protocol protocol, Handler handler) throws IOException {
        this.socket = socket;
        this.protocol = protocol;
        this.handler = handler;
        socket.setTcpNoDelay(true);
        this.out = socket.getOutputStream();
    }

    /** Connects to {@code address} as the initiator and starts the handshake. */
    public static TcpConnection connect(InetSocketAddress address, ProtocolOptions options, Handler handler) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(address, 10_000);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return start(s, Protocol.initiator(options), handler);
    }

    /** Runs the protocol on an accepted socket as the responder. */
    public static TcpConnection accept(Socket socket, ProtocolOptions options, Handler handler) throws IOException {
        return start(socket, Protocol.responder(options), handler);
    }

    private static TcpConnection start(Socket s, Protocol p, Handler handler) throws IOException {
        TcpConnection c = new TcpConnection(s, p, Objects.requireNonNull(handler, "handler"));
        c.locked(() -> {});
        Thread.ofVirtual().name("hypercore-write-" + s.getLocalPort()).start(c::writeLoop);
        c.reader = Thread.ofVirtual().name("hypercore-read-" + s.getLocalPort()).unstarted(c::readLoop);
        c.reader.start();
        Thread.ofVirtual().name("hypercore-tick-" + s.getLocalPort()).start(c::tickLoop);
        return c;
    }

    /** The protocol's remote static key once the handshake is done, else null. */
    public byte[] remotePublicKey() {
        return locked(protocol::remotePublicKey);
    }

    /** The handshake hash once the handshake is done, else null. */
    public byte[] handshakeHash() {
        return locked(protocol::handshakeHash);
    }

    /** Whether this is the connecting side. */
    public boolean isInitiator() {
        return protocol.isInitiator();
    }

    /** {@link Protocol#open}. */
    public void open(byte[] key) {
        locked(() -> protocol.open(key));
    }

    /** {@link Protocol#reject}. */
    public void reject(byte[] discoveryKey) {
        locked(() -> protocol.reject(discoveryKey));
    }

    /** {@link Protocol#send}. */
    public void send(byte[] discoveryKey, Message message) {
        locked(() -> protocol.send(discoveryKey, message));
    }

    /** {@link Protocol#sendBatch}. */
    public void sendBatch(byte[] discoveryKey, List<? extends Message> messages) {
        locked(() -> protocol.sendBatch(discoveryKey, messages));
    }

    /** {@link Protocol#closeChannel}. */
    public void closeChannel(byte[] discoveryKey) {
        locked(() -> protocol.closeChannel(discoveryKey));
    }

    /** Whether the channel of this discovery key is open. */
    public boolean isChannelOpen(byte[] discoveryKey) {
        return locked(() -> protocol.isChannelOpen(discoveryKey));
    }

    /** Closes every channel and the connection (orderly); returns at once. */
    @Override
    public void close() {
        locked(protocol::close);
    }

    /** Waits until the connection has ended; returns false on timeout. */
    public boolean awaitClosed(long timeout, TimeUnit unit) throws InterruptedException {
        return closed.await(timeout, unit);
    }

    /** The error that ended the connection, or null (still open, or an orderly end). */
    public String closeError() {
        return closeError;
    }

    private void locked(Runnable r) {
        locked(() -> {
            r.run();
            return null;
        });
    }

    private <T> T locked(Supplier<T> s) {
        lock.lock();
        try {
            T v = s.get();
            flushAndDispatch();
            if (Thread.currentThread() != reader && !dispatching) {
                while (queued > HIGH_WATER && !ending) {
                    changed.awaitUninterruptibly();
                }
            }
            return v;
        } finally {
            lock.unlock();
        }
    }

    /** Writes the output and hands events to the handler; under the lock. Re-entrant calls from the handler only flush. */
    private void flushAndDispatch() {
        write();
        if (dispatching) {
            return;
        }
        dispatching = true;
        try {
            for (Event e; (e = protocol.poll()) != null; ) {
                if (e instanceof Event.Closed c) {
                    closeError = c.error();
                }
                try {
                    handler.onEvent(this, e);
                } catch (RuntimeException ex) {
                    protocol.transportClosed("the event handler failed: " + ex);
                }
                write();
                if (e instanceof Event.Closed) {
                    end();
                }
            }
        } finally {
            dispatching = false;
        }
    }

    /** Moves the protocol's output to the writer's queue; under the lock. */
    private void write() {
        byte[] b = protocol.takeOutput();
        if (b.length == 0 || ending && socket.isClosed()) {
            return;
        }
        queue.add(b);
        queued += b.length;
        changed.signalAll();
        if (queued > MAX_QUEUED) {
            long n = queued;
            queue.clear();
            queued = 0;
            protocol.transportClosed("the peer does not read: " + n + " bytes of output queued");
            closeSocket(); // unblocks the writer
        }
    }

    private void writeLoop() {
        try {
            OutputStream o = out;
            while (true) {
                byte[] b;
                lock.lock();
                try {
                    while (queue.isEmpty() && !ending) {
                        changed.awaitUninterruptibly();
                    }
                    b = queue.poll();
                    if (b == null) {
                        return; // ending and everything written
                    }
                    if (b.length < COALESCE && !queue.isEmpty()) {
                        // many small frames: one write instead of one each
                        ByteArrayOutputStream batch = new ByteArrayOutputStream(COALESCE);
                        batch.writeBytes(b);
                        while (!queue.isEmpty() && batch.size() + queue.peek().length <= COALESCE) {
                            batch.writeBytes(queue.poll());
                        }
                        b = batch.toByteArray();
                    }
                } finally {
                    lock.unlock();
                }
                try {
                    lastProgress = System.nanoTime(); // a write that never returns times out from here
                    o.write(b);
                    if (queue.isEmpty()) {
                        o.flush();
                    }
                } catch (IOException e) {
                    lock.lock();
                    try {
                        queue.clear();
                        queued = 0;
                        protocol.transportClosed(ending ? null : "write failed: " + e.getMessage());
                        changed.signalAll();
                    } finally {
                        lock.unlock();
                    }
                    locked(() -> {});
                    return;
                }
                lastProgress = System.nanoTime();
                lock.lock();
                try {
                    queued -= b.length;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        } finally {
            closeSocket();
        }
    }

    /** The protocol ended: the writer writes what is queued, then closes the socket; under the lock. */
    private void end() {
        if (!ending) {
            ending = true;
            endingAt = System.nanoTime();
        }
        changed.signalAll();
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        closed.countDown();
    }

    private void readLoop() {
        byte[] buf = new byte[READ_BUFFER];
        try (InputStream in = socket.getInputStream()) {
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    locked(() -> protocol.transportClosed(protocol.isClosed() ? null : protocolEnded()));
                    break;
                }
                locked(() -> protocol.receive(buf, 0, n));
                if (protocol.isClosed()) {
                    break;
                }
            }
        } catch (IOException e) {
            locked(() -> protocol.transportClosed(socket.isClosed() ? null : "read failed: " + e.getMessage()));
        } finally {
            lock.lock();
            try {
                flushAndDispatch();
                end();
            } finally {
                lock.unlock();
            }
        }
    }

    private String protocolEnded() {
        return protocol.handshakeHash() == null ? "the peer closed the connection during the handshake" : null;
    }

    private void tickLoop() {
        try {
            while (closed.getCount() > 0) {
                if (closed.await(1, TimeUnit.SECONDS)) {
                    return;
                }
                locked(() -> protocol.tick(System.nanoTime() / 1_000_000));
                lock.lock();
                try {
                    if (ending && System.nanoTime() - endingAt > LINGER_NANOS) {
                        closeSocket(); // the peer does not read the last output
                    } else if (!ending && queued > 0 && System.nanoTime() - lastProgress > WRITE_TIMEOUT_NANOS) {
                        protocol.transportClosed("write timed out: the peer read nothing of " + queued + " queued bytes for 30 s");
                        flushAndDispatch();
                        closeSocket();
                    }
                } finally {
                    lock.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
