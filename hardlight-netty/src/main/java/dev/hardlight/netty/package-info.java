/**
 * The Netty transport of HardLight: {@link dev.hardlight.netty.HardLight#server serve} a service over
 * TLS WebSocket, {@link dev.hardlight.netty.HardLight#connect connect} a client to one.
 *
 * <p>Events: handlers subscribe their connection to topics ({@code connection.subscriptions().add(topic)});
 * the server emits typed events on a topic ({@link dev.hardlight.netty.HardLightServer#events}); a
 * {@link dev.hardlight.netty.ServerBuilder#topicListener topic listener} learns when a topic gains its
 * first or loses its last subscriber (disconnects included). Memory stays bounded at both ends: a
 * connection that does not read is subject to the
 * {@link dev.hardlight.netty.SlowConsumerPolicy slow-consumer policy} beyond its
 * {@link dev.hardlight.netty.ServerBuilder#outboundHighWaterMark outbound high-water mark}, and a client
 * keeps at most {@link dev.hardlight.netty.ClientOptions.Builder#eventQueueCapacity} events unread.
 *
 * <p>Everything in {@code dev.hardlight.netty.internal} may change without notice; do not use it.
 */
package dev.hardlight.netty;
