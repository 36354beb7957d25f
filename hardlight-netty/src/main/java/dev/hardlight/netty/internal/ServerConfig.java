package dev.hardlight.netty.internal;

import dev.hardlight.Authenticator;
import dev.hardlight.HandlerFactory;
import dev.hardlight.TopicListener;
import dev.hardlight.service.ServiceDescriptor;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * Everything a server needs, validated by the public builder.
 *
 * @param sslContext {@code null} for plaintext
 * @param tlsFingerprint the leaf certificate's SHA-256 (hex), or {@code null} for plaintext
 * @param host {@code null} to bind every interface
 * @param executor {@code null}: a virtual thread per call, owned (and shut down) by the server
 * @param topicListener told of topics created and removed, or {@code null}
 * @param slowConsumer the per-connection event limit and what happens beyond it
 * @param authenticator decides at the upgrade, or {@code null}: every connection opens with no feature
 *     and no principal
 * @param originPolicy which browser origins may connect
 * @param handshakeTimeout time from TCP accept to a complete upgrade: TLS, HTTP and the authenticator
 * @param maxConnections TCP connections open at once (upgraded or not)
 * @param maxConnectionsPerAddress the same per remote IP address; {@link Integer#MAX_VALUE}: no limit
 * @param keepAlive when to ping a silent connection, and when to close it (1001)
 * @param drainTimeout how long a graceful shutdown waits for the calls in flight
 * @param compressionThreshold permessage-deflate: the smallest message compressed; -1: compression off
 * @param recordings where and how much to record of each connection, or {@code null} for nothing
 * @param ioThreads event loops for the connections; 0: Netty's default (twice the available processors)
 * @param busyPoll whether the connections' event loops poll without sleeping while connections are open
 * @param inlineNonBlocking whether methods marked {@code @NonBlocking} run on the connection's event loop
 * @param hideSchema whether the HELLO leaves out the schema text (extension 4)
 */
public record ServerConfig<S>(ServiceDescriptor<S> service, HandlerFactory<S> factory, SslContext sslContext,
                              String tlsFingerprint, String host, int port, String path, int maxInFlight,
                              int maxMessageSize, Executor executor, TopicListener topicListener,
                              SlowConsumer slowConsumer, Authenticator authenticator, OriginPolicy originPolicy,
                              Duration handshakeTimeout, int maxConnections, int maxConnectionsPerAddress,
                              KeepAlive keepAlive, Duration drainTimeout, int compressionThreshold,
                              ServerRecordings recordings,
                              int ioThreads, boolean busyPoll, boolean inlineNonBlocking,
                              boolean hideSchema) {}
