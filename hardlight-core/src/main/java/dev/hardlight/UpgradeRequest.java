package dev.hardlight;

import java.net.SocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP request that opened a connection (the WebSocket upgrade), as the {@link Authenticator}
 * and handlers see it ({@link Connection#request()}). Immutable. The headers the WebSocket handshake
 * itself consumes ({@code Upgrade}, {@code Connection}, {@code Sec-WebSocket-Key},
 * {@code Sec-WebSocket-Version}, {@code Sec-WebSocket-Extensions}, {@code Sec-WebSocket-Protocol}) are not
 * kept; every other header is.
 */
public interface UpgradeRequest {
    /** The request path, without the query. */
    String path();

    /** The first value of a header (case-insensitive name), if present. */
    Optional<String> header(String name);

    /** Every value of a header (case-insensitive name). */
    List<String> headers(String name);

    /** The cookies of the {@code Cookie} headers, by name. */
    Map<String, String> cookies();

    /** A cookie's value, if present. */
    default Optional<String> cookie(String name) {
        return Optional.ofNullable(cookies().get(name));
    }

    /** The query parameters, by name, in order. */
    Map<String, List<String>> queryParameters();

    /** The first value of a query parameter, if present. */
    default Optional<String> queryParameter(String name) {
        List<String> values = queryParameters().get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** The peer's address. */
    SocketAddress remoteAddress();

    /** The client's TLS certificate chain, leaf first, when the client presented one. */
    List<X509Certificate> clientCertificates();
}
