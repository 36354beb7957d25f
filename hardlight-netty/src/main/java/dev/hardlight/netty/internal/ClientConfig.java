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
 * @param localAddress the address the socket binds to before connecting, or {@code null} for any
 * @param ioThreads the event loops the connection runs on (shared, or the application's)
 */
public record ClientConfig(URI uri, ServiceDescriptor<?> service, SslContext sslContext, TrustMode trustMode,
                           int maxInFlight, Duration connectTimeout, int eventQueueCapacity,
                           java.util.List<java.util.Map.Entry<String, String>> headers, KeepAlive keepAlive,
                           Duration defaultDeadline, int compressionThreshold,
                           java.net.InetAddress localAddress, IoThreads ioThreads) {}
