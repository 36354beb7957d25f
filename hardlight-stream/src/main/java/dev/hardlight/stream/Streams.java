package dev.hardlight.stream;

import dev.hardlight.stream.internal.RecordedStream;
import dev.hardlight.stream.internal.ReplayStream;
import dev.hardlight.stream.internal.SslEngines;
import dev.hardlight.stream.internal.TcpStream;
import dev.hardlight.stream.internal.TlsStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Creates {@link Stream}s, each layer over the one below:
 *
 * <pre>{@code
 * Stream s = Streams.tcp(new InetSocketAddress("127.0.0.1", 8443));
 * s = Streams.tls(s, "localhost", 8443, TlsOptions.pinned(fingerprint));
 * s = Streams.recorded(s, Path.of("feed.hlrec"), "wss://localhost:8443/ws");
 * WebSocket ws = WebSocket.over(s, URI.create("wss://localhost:8443/ws"), WebSocketOptions.defaults());
 * }</pre>
 *
 * Thread-safe (the streams it returns are not).
 */
public final class Streams {

    /** The default cap of a recording file: 64 MiB. */
    public static final long DEFAULT_RECORDING_CAP = 64L << 20;

    private Streams() {
    }

    /**
     * Starts a non-blocking TCP connection to {@code remote} (a resolved address) with {@code TCP_NODELAY};
     * {@link Stream#finishConnect()} completes it.
     *
     * @throws IOException if the socket cannot be opened or the connect fails at once
     */
    public static Stream tcp(InetSocketAddress remote) throws IOException {
        return TcpStream.connect(remote, null);
    }

    /**
     * As {@link #tcp(InetSocketAddress)}, with the socket bound first to {@code local} (a local address
     * and port; port 0 for any), for example to leave through a given network card.
     */
    public static Stream tcp(InetSocketAddress remote, InetSocketAddress local) throws IOException {
        return TcpStream.connect(remote, Objects.requireNonNull(local, "local"));
    }

    /**
     * As {@link #tcp(InetSocketAddress)}, with the socket bound first to the first address of
     * {@code networkInterface} in the remote address's family (Java has no portable way to bind to the
     * device itself; binding to its address makes the kernel route through it on most set-ups).
     *
     * @throws IOException if the interface has no address of that family
     */
    public static Stream tcp(InetSocketAddress remote, NetworkInterface networkInterface) throws IOException {
        return TcpStream.connect(remote, TcpStream.addressOf(networkInterface, remote));
    }

    /**
     * TLS over {@code inner}: the handshake runs in {@link Stream#finishConnect()}, after the inner
     * stream's own. {@code host} is sent as SNI and, with {@link TlsOptions#system()}, checked against the
     * certificate; {@code port} is a hint for session reuse.
     *
     * @throws IOException if no engine can be created (for example {@link TlsOptions.Engine#OPENSSL}
     *     where BoringSSL is not available)
     */
    public static Stream tls(Stream inner, String host, int port, TlsOptions options) throws IOException {
        Objects.requireNonNull(inner, "inner");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(options, "options");
        return new TlsStream(inner, SslEngines.clientEngine(host, port, options));
    }

    /**
     * Records {@code inner} to {@code file} in HardLight's recording format (docs/recording.md): every
     * read and every write, with its time, read boundaries kept; the file ends with an END record when
     * the stream closes. At most {@value #DEFAULT_RECORDING_CAP} bytes
     * are written; past that the file ends with a TRUNCATED record and the stream goes on unrecorded.
     * Writes go to the file through a 64 KiB buffer on the polling thread. {@code target} (for example
     * the URL) is kept in the file's header. The file holds everything in clear, credentials in the
     * upgrade request included: treat it as a secret.
     *
     * @throws IOException if the file cannot be created
     */
    public static Stream recorded(Stream inner, Path file, String target) throws IOException {
        return recorded(inner, file, target, DEFAULT_RECORDING_CAP);
    }

    /**
     * As {@link #recorded(Stream, Path, String)}, with a cap of {@code capBytes} (8 KiB .. 1 GiB) on the file.
     */
    public static Stream recorded(Stream inner, Path file, String target, long capBytes) throws IOException {
        if (capBytes < 8192 || capBytes > (1L << 30)) {
            throw new IllegalArgumentException("capBytes: " + capBytes + " (expected: 8192 .. 1073741824)");
        }
        return new RecordedStream(Objects.requireNonNull(inner, "inner"), Objects.requireNonNull(file, "file"),
                Objects.requireNonNull(target, "target"), capBytes);
    }

    /**
     * A stream that plays {@code file} (written by {@link #recorded}) back: each {@link Stream#read}
     * returns the bytes of the next recorded read (the same boundaries; a smaller buffer gets the rest at
     * the next call) and {@link Stream#readTimeNanos()} its recorded time; writes are taken and dropped;
     * the end of the recording is the end of the stream.
     *
     * @throws IOException if the file is not a recording
     */
    public static Stream replay(Path file) throws IOException {
        return ReplayStream.open(Objects.requireNonNull(file, "file"));
    }
}
