package dev.hardlight.stream.internal;

import dev.hardlight.stream.Stream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * TLS over another stream, through an {@link SSLEngine}, never blocking. Decrypts straight into the
 * caller's buffer when a whole record fits, into an internal buffer otherwise.
 *
 * <p>Buffers: {@code netIn} and {@code netOut} are kept in fill mode (position = end of data);
 * {@code appIn} in drain mode (position..limit = plaintext not yet handed out). The engine allocates an
 * {@link SSLEngineResult} per wrap and unwrap (JDK and Netty alike), so TLS is not allocation-free.
 *
 * <p>Not thread-safe: owned by the polling thread.
 */
public final class TlsStream implements Stream {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final Stream inner;
    private final SSLEngine engine;
    private final ByteBuffer netIn;
    private final ByteBuffer netOut;
    private final ByteBuffer appIn;
    private boolean started;
    private boolean handshaken;
    private boolean inboundClosed;
    private long readTimeNanos;

    public TlsStream(Stream inner, SSLEngine engine) {
        this.inner = inner;
        this.engine = engine;
        int packet = engine.getSession().getPacketBufferSize();
        int app = engine.getSession().getApplicationBufferSize();
        this.netIn = ByteBuffer.allocateDirect(packet * 2);
        this.netOut = ByteBuffer.allocateDirect(packet * 4);
        this.appIn = ByteBuffer.allocateDirect(app * 2).limit(0);
    }

    @Override
    public boolean finishConnect() throws IOException {
        if (handshaken) {
            return true;
        }
        if (!inner.finishConnect()) {
            return false;
        }
        if (!started) {
            engine.beginHandshake();
            started = true;
        }
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> {
                    SSLEngineResult r = engine.wrap(EMPTY, netOut);
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        throw new SSLException("the TLS engine closed during the handshake");
                    }
                    boolean flushed = flushNet();
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW && !flushed) {
                        return false;
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    flushNet();
                    SSLEngineResult r = unwrapInto(null);
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        throw new SSLException("the server closed TLS during the handshake");
                    }
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
                            || (r.bytesConsumed() == 0 && r.bytesProduced() == 0
                                && engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_UNWRAP)) {
                        int n = inner.read(netIn);
                        if (n < 0) {
                            throw new EOFException("the server closed the connection during the TLS handshake");
                        }
                        if (n == 0) {
                            return false;
                        }
                    }
                }
                case NEED_TASK -> runTasks();
                default -> {
                    handshaken = true;
                    flushNet();
                    return true;
                }
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /** Unwraps from netIn into {@code dst}, or into appIn when {@code dst} is null or too small. */
    private SSLEngineResult unwrapInto(ByteBuffer dst) throws IOException {
        netIn.flip();
        try {
            SSLEngineResult r;
            if (dst != null) {
                r = engine.unwrap(netIn, dst);
                if (r.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    return r;
                }
            }
            appIn.compact();
            try {
                r = engine.unwrap(netIn, appIn);
            } finally {
                appIn.flip();
            }
            return r;
        } finally {
            netIn.compact();
        }
    }

    private int drainAppIn(ByteBuffer dst) {
        int n = Math.min(appIn.remaining(), dst.remaining());
        if (n > 0) {
            int limit = appIn.limit();
            appIn.limit(appIn.position() + n);
            dst.put(appIn);
            appIn.limit(limit);
        }
        return n;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int total = drainAppIn(dst);
        boolean socketRead = false;
        while (dst.hasRemaining()) {
            if (netIn.position() > 0 && !inboundClosed) {
                int before = dst.position();
                SSLEngineResult r = unwrapInto(dst);
                total += dst.position() - before;
                total += drainAppIn(dst);
                switch (r.getStatus()) {
                    case CLOSED -> {
                        inboundClosed = true;
                        return total > 0 ? total : -1;
                    }
                    case OK -> {
                        if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                            runTasks();
                        }
                        if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                            engine.wrap(EMPTY, netOut); // a key update or similar the engine must answer
                            flushNet();
                        }
                        if (r.bytesConsumed() > 0) {
                            continue;
                        }
                    }
                    default -> {
                        // BUFFER_UNDERFLOW: a partial record, read more below
                    }
                }
            }
            if (inboundClosed) {
                return total > 0 ? total : -1;
            }
            if (socketRead) {
                break; // one socket read per call: the caller's frames of one read share one time
            }
            int n = inner.read(netIn);
            if (n < 0) {
                return total > 0 ? total : -1;
            }
            if (n == 0) {
                break;
            }
            socketRead = true;
            readTimeNanos = inner.readTimeNanos();
        }
        return total;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int consumed = 0;
        while (src.hasRemaining()) {
            SSLEngineResult r = engine.wrap(src, netOut);
            consumed += r.bytesConsumed();
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("TLS is closed for writing");
            }
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                if (!flushNet()) {
                    break;
                }
            } else if (r.bytesConsumed() == 0) {
                break;
            }
        }
        flushNet();
        return consumed;
    }

    private boolean flushNet() throws IOException {
        if (netOut.position() > 0) {
            netOut.flip();
            try {
                inner.write(netOut);
            } finally {
                netOut.compact();
            }
        }
        return netOut.position() == 0 && inner.flush();
    }

    @Override
    public boolean flush() throws IOException {
        return flushNet();
    }

    @Override
    public long readTimeNanos() {
        return readTimeNanos;
    }

    @Override
    public boolean hasBufferedInput() {
        return appIn.hasRemaining() || (netIn.position() > 0 && !inboundClosed) || inner.hasBufferedInput();
    }

    @Override
    public SocketChannel channel() {
        return inner.channel();
    }

    @Override
    public void close() {
        try {
            if (handshaken) {
                engine.closeOutbound();
                engine.wrap(EMPTY, netOut); // close_notify, sent if the socket takes it now
                flushNet();
            }
        } catch (IOException | RuntimeException ignored) {
            // the connection is going away: a close_notify that cannot be sent is not an error
        } finally {
            inner.close();
        }
    }
}
