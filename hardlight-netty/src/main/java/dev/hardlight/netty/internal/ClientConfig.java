package dev.hardlight.netty.internal;

import dev.hardlight.netty.ClientOptions;
import dev.hardlight.netty.KeepAlive;
import dev.hardlight.service.ServiceDescriptor;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a client's connections need: the application's {@link ClientOptions} as they are, and what the
 * transport made of them once (the TLS context, the I/O threads, the keepalive and the local binding).
 *
 * <p>Immutable; thread-safe.
 */
public final class ClientConfig {
    private final URI uri;
    private final ServiceDescriptor<?> service;
    private final ClientOptions options;
    private final SslContext sslContext;
    private final TrustMode trustMode;
    private final IoThreads ioThreads;
    private final LocalBinding localBinding;
    private final RecordingConfig recording;

    /**
     * @param sslContext {@code null} for plaintext ({@code ws://})
     * @param trustMode how the server certificate is checked (for log lines)
     * @param ioThreads the event loops the connections run on (shared, or the application's)
     */
    public ClientConfig(URI uri, ServiceDescriptor<?> service, ClientOptions options, SslContext sslContext,
                        TrustMode trustMode, IoThreads ioThreads) {
        this(uri, service, options, sslContext, trustMode, ioThreads, options.recordFile() == null ? null
                : new RecordingConfig(options.recordFile(), options.recordMaxBytes(), options.recordCredentials()));
    }

    private ClientConfig(URI uri, ServiceDescriptor<?> service, ClientOptions options, SslContext sslContext,
                         TrustMode trustMode, IoThreads ioThreads, RecordingConfig recording) {
        this.uri = uri;
        this.service = service;
        this.options = options;
        this.sslContext = sslContext;
        this.trustMode = trustMode;
        this.ioThreads = ioThreads;
        this.localBinding = options.localAddress() == null && options.localInterface() == null ? null
                : new LocalBinding(options.localAddress(), options.localInterface());
        this.recording = recording;
    }

    /**
     * The configuration of a client's {@code n}-th connection (1 for the first): the same, but for the
     * recording file, which gets "-n" before its extension from the second connection on, so a client
     * that reconnects keeps every connection's recording ({@code calls.hlrec}, {@code calls-2.hlrec}, ...).
     */
    public ClientConfig forConnection(int n) {
        if (recording == null || n <= 1) {
            return this;
        }
        Path file = recording.path();
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String numbered = dot > 0 ? name.substring(0, dot) + "-" + n + name.substring(dot) : name + "-" + n;
        return new ClientConfig(uri, service, options, sslContext, trustMode, ioThreads,
                recording.withPath(file.resolveSibling(numbered)));
    }

    /** The same configuration for another server ({@code ClientOptions.failover}). */
    public ClientConfig withUri(URI other) {
        return other.equals(uri) ? this : new ClientConfig(other, service, options, sslContext, trustMode, ioThreads, recording);
    }

    public URI uri() {
        return uri;
    }

    public ServiceDescriptor<?> service() {
        return service;
    }

    public ClientOptions options() {
        return options;
    }

    /** {@code null} for plaintext. */
    public SslContext sslContext() {
        return sslContext;
    }

    public TrustMode trustMode() {
        return trustMode;
    }

    public IoThreads ioThreads() {
        return ioThreads;
    }

    /** When to ping a silent server, and when to give the connection up. */
    public KeepAlive keepAlive() {
        return options.keepAlive();
    }

    /** The address or interface the socket binds to before connecting, or {@code null} for any. */
    public LocalBinding localBinding() {
        return localBinding;
    }

    /** Where to record this connection's bytes, or {@code null} for nowhere. */
    public RecordingConfig recording() {
        return recording;
    }

    public int maxInFlight() {
        return options.maxInFlight();
    }

    public Duration connectTimeout() {
        return options.connectTimeout();
    }

    public int eventQueueCapacity() {
        return options.eventQueueCapacity();
    }

    /** Extra upgrade request headers, name and value, in order (validated). */
    public List<Map.Entry<String, String>> headers() {
        return options.headers();
    }

    /** The deadline of calls made without one, or {@code null} for none. */
    public Duration defaultDeadline() {
        return options.defaultDeadline();
    }

    /** permessage-deflate: the smallest message compressed; -1: compression off. */
    public int compressionThreshold() {
        return options.compression().thresholdBytes();
    }
}
