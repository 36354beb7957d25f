package dev.hardlight.hypercore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Protocol} on a TCP socket, driven by virtual threads: one reads, one ticks keep-alives each second.
 * Events go to the {@link Handler} on the reading thread, in order; the handler may call this connection's
 * methods (they are thread safe and may be called from any thread). Writes are blocking and happen on the
 * calling thread. When the protocol ends (an orderly {@link #close()}, the peer's EOF, or an error) the socket is
 * closed after the pending output is written, and {@link Event.Closed} is the last event.
 */
public final class TcpConnection implements AutoCloseable {
    /** Receives a connection's events. */
    @FunctionalInterface
    public interface Handler {
        void onEvent(TcpConnection connection, Event event);
    }

    private static final int READ_BUFFER = 64 * 1024;

    private final Socket socket;
    private final Protocol protocol;
    private final Handler handler;
    private final ReentrantLock lock = new ReentrantLock();
    private final OutputStream out;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile String closeError;
    private boolean dispatching;

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
        Thread.ofVirtual().name("hypercore-read-" + s.getLocalPort()).start(c::readLoop);
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

    private <T> T locked(java.util.function.Supplier<T> s) {
        lock.lock();
        try {
            T v = s.get();
            flushAndDispatch();
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
                    closeSocket();
                }
            }
        } finally {
            dispatching = false;
        }
    }

    private void write() {
        byte[] b = protocol.takeOutput();
        if (b.length == 0 || socket.isClosed()) {
            return;
        }
        try {
            out.write(b);
            out.flush();
        } catch (IOException e) {
            protocol.transportClosed("write failed: " + e.getMessage());
        }
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
                closeSocket();
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
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
