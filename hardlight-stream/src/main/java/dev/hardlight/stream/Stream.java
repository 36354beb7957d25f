package dev.hardlight.stream;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A non-blocking byte stream to one peer: a TCP connection, TLS over a stream, a stream that records
 * another one to a file, or a recording played back. Streams compose in layers
 * ({@code Streams.recorded(Streams.tls(Streams.tcp(address), ...), file, target)}), and protocols such as
 * {@link WebSocket} run over any of them.
 *
 * <p>No method blocks: {@link #finishConnect()} advances the connection (TCP connect, TLS handshake)
 * as far as it can without waiting, {@link #read} returns what is there, {@link #write} takes what fits.
 * Hot-path outcomes are return values; an {@link IOException} means the stream is broken and must be
 * closed.
 *
 * <p>Not thread-safe: one thread owns a stream (the one that polls it).
 */
public interface Stream extends Closeable {

    /**
     * Advances the connection without blocking: completes the TCP connect, runs the TLS handshake.
     * Call it until it returns {@code true}; {@link #read} and {@link #write} may be used only after.
     *
     * @return {@code true} once the stream is ready for data (and from then on)
     * @throws IOException if the connection or the handshake failed (refused, certificate not trusted, ...)
     */
    boolean finishConnect() throws IOException;

    /**
     * Reads what is available into {@code dst} (from its position up to its limit) without blocking.
     *
     * @return the number of bytes read, 0 if none are available now, -1 at the end of the stream
     * @throws IOException if the stream is broken
     */
    int read(ByteBuffer dst) throws IOException;

    /**
     * Writes as much of {@code src} (from its position up to its limit) as the stream takes now, without
     * blocking, and advances its position by that much. A layer may buffer what it took; {@link #flush()}
     * pushes such bytes further.
     *
     * @return the number of bytes taken from {@code src}, possibly 0 when the peer is not reading
     * @throws IOException if the stream is broken
     */
    int write(ByteBuffer src) throws IOException;

    /**
     * Pushes bytes buffered by this stream's layers towards the socket, without blocking.
     *
     * @return {@code true} if nothing is left buffered
     * @throws IOException if the stream is broken
     */
    boolean flush() throws IOException;

    /**
     * The time of the last {@link #read} that returned bytes, in {@link System#nanoTime()} units; for a
     * replayed stream, the recorded time of that read (nanoseconds since the recording started). Every
     * WebSocket frame decoded from one read carries this one time.
     */
    long readTimeNanos();

    /**
     * Whether this stream holds input it has already taken from the socket (for example decrypted TLS
     * records the last read had no room for), so that a readiness selector must poll it even if the
     * socket has nothing new. {@code false} by default.
     */
    default boolean hasBufferedInput() {
        return false;
    }

    /**
     * The socket under this stream, for readiness selection, or {@code null} when there is none
     * (a replayed recording is always ready).
     */
    SocketChannel channel();

    /** Closes the stream and its layers below. Idempotent; never throws. */
    @Override
    void close();
}
