package dev.hardlight.netty.internal;

import dev.hardlight.service.ServiceDescriptor;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.time.Duration;

/**
 * Everything a client connection needs, validated by the public options.
 *
 * @param sslContext {@code null} for plaintext ({@code ws://})
 * @param trustMode how the server certificate is checked (for log lines)
 * @param eventQueueCapacity events kept for the application before new ones are dropped and counted
 * @param headers extra upgrade request headers, name and value, in order (validated)
 * @param keepAlive when to ping a silent server, and when to give the connection up
 * @param defaultDeadline the deadline of calls made without one, or {@code null} for none
 * @param compressionThreshold permessage-deflate: the smallest message compressed; -1: compression off
 * @param localBinding the address or interface the socket binds to before connecting, or {@code null} for any
 * @param recording where to record the connection's bytes, or {@code null} for nowhere
 * @param ioThreads the event loops the connection runs on (shared, or the application's)
 */
public record ClientConfig(URI uri, ServiceDescriptor<?> service, SslContext sslContext, TrustMode trustMode,
                           int maxInFlight, Duration connectTimeout, int eventQueueCapacity,
                           java.util.List<java.util.Map.Entry<String, String>> headers, KeepAlive keepAlive,
                           Duration defaultDeadline, int compressionThreshold,
                           LocalBinding localBinding,
                           RecordingConfig recording, IoThreads ioThreads) {

    /**
     * The configuration of a client's {@code n}-th connection (1 for the first): the same, but for the
     * recording file, which gets "-n" before its extension from the second connection on, so a client
     * that reconnects keeps every connection's recording ({@code calls.hlrec}, {@code calls-2.hlrec}, ...).
     */
    public ClientConfig forConnection(int n) {
        if (recording == null || n <= 1) {
            return this;
        }
        java.nio.file.Path file = recording.path();
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String numbered = dot > 0 ? name.substring(0, dot) + "-" + n + name.substring(dot) : name + "-" + n;
        return new ClientConfig(uri, service, sslContext, trustMode, maxInFlight, connectTimeout, eventQueueCapacity,
                headers, keepAlive, defaultDeadline, compressionThreshold, localBinding,
                recording.withPath(file.resolveSibling(numbered)), ioThreads);
    }
}
