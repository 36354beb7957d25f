/**
 * Low-latency stream clients for any WebSocket endpoint, polled from a thread the application owns, in
 * layers: {@link dev.hardlight.stream.Stream streams} ({@link dev.hardlight.stream.Streams#tcp TCP},
 * {@link dev.hardlight.stream.Streams#tls TLS}, {@link dev.hardlight.stream.Streams#recorded recorded},
 * {@link dev.hardlight.stream.Streams#replay replayed}), the {@link dev.hardlight.stream.WebSocket} client
 * over any stream, and the {@link dev.hardlight.stream.IoService} that keeps
 * {@link dev.hardlight.stream.Endpoint endpoints} connected. Guide: {@code docs/streams.md}.
 *
 * <p>Agrona's buffers need {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED} on the JVM's command
 * line. Everything in {@code dev.hardlight.stream.internal} may change without notice; do not use it.
 */
package dev.hardlight.stream;
