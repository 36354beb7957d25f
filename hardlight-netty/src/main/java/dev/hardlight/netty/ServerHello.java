package dev.hardlight.netty;

/**
 * What a server announces in its HELLO ({@code docs/protocol.md} section 3.1), as
 * {@link HardLight#hello} reads it.
 *
 * @param service the service name
 * @param fingerprint SHA-256 of the server's canonical schema text, lowercase hex (64 characters)
 * @param schema the canonical schema text (section 6.1), already checked against {@code fingerprint};
 *     {@code null} when the server withholds it ({@link ServerBuilder#hideSchema()})
 * @param maxInFlight calls the server accepts in flight on one connection
 * @param maxMessageSize the largest message the server accepts, in bytes
 */
public record ServerHello(String service, String fingerprint, String schema, int maxInFlight, int maxMessageSize) {}
