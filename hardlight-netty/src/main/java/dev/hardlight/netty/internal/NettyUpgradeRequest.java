package dev.hardlight.netty.internal;

import dev.hardlight.UpgradeRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.ssl.SslHandler;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * An immutable copy of the upgrade request: taken on the event loop before the request's buffer is
 * released, then read from any thread (the authenticator's, handlers'). Kept for the connection's life,
 * so kept small: the headers as one array of (lower-case name, value) pairs, without those the
 * WebSocket handshake itself consumed ({@link #CONSUMED}); cookies and query parsed on first use.
 */
final class NettyUpgradeRequest implements UpgradeRequest {
    /** Headers of the handshake itself, of no use once the connection is open. */
    static final Set<String> CONSUMED = Set.of("upgrade", "connection", "sec-websocket-key", "sec-websocket-version",
            "sec-websocket-extensions", "sec-websocket-protocol");
    /** Names most requests carry, kept once for all connections instead of once per connection. */
    private static final Map<String, String> COMMON_NAMES = Stream.of("host", "origin", "user-agent",
                    "cookie", "authorization", "accept-encoding", "accept-language", "cache-control", "pragma",
                    "x-forwarded-for", "x-forwarded-proto", "x-real-ip")
            .collect(Collectors.toUnmodifiableMap(n -> n, n -> n));

    private final String uri;
    /** Lower-case name, value, name, value, ... in the request's order. */
    private final String[] headers;
    private final SocketAddress remoteAddress;
    private final List<X509Certificate> clientCertificates;
    private volatile Map<String, String> cookies;
    private volatile Map<String, List<String>> query;

    private NettyUpgradeRequest(String uri, String[] headers, SocketAddress remoteAddress,
                                List<X509Certificate> clientCertificates) {
        this.uri = uri;
        this.headers = headers;
        this.remoteAddress = remoteAddress;
        this.clientCertificates = clientCertificates;
    }

    static NettyUpgradeRequest of(FullHttpRequest req, SocketAddress remote, SslHandler ssl) {
        List<String> pairs = new ArrayList<>(2 * req.headers().size());
        for (Map.Entry<String, String> h : req.headers()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            name = COMMON_NAMES.getOrDefault(name, name);
            if (!CONSUMED.contains(name)) {
                pairs.add(name);
                pairs.add(h.getValue());
            }
        }
        return new NettyUpgradeRequest(req.uri(), pairs.toArray(String[]::new), remote, clientCertificates(ssl));
    }

    private static List<X509Certificate> clientCertificates(SslHandler ssl) {
        if (ssl == null) {
            return List.of();
        }
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : ssl.engine().getSession().getPeerCertificates()) {
                if (c instanceof X509Certificate x) {
                    chain.add(x);
                }
            }
            return List.copyOf(chain);
        } catch (SSLPeerUnverifiedException e) {
            return List.of(); // the client presented no certificate
        }
    }

    @Override
    public String path() {
        return new QueryStringDecoder(uri).path();
    }

    @Override
    public Optional<String> header(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i].equals(lower)) {
                return Optional.of(headers[i + 1]);
            }
        }
        return Optional.empty();
    }

    @Override
    public List<String> headers(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        List<String> values = null;
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i].equals(lower)) {
                if (values == null) {
                    values = new ArrayList<>(2);
                }
                values.add(headers[i + 1]);
            }
        }
        return values == null ? List.of() : List.copyOf(values);
    }

    @Override
    public Map<String, String> cookies() {
        Map<String, String> c = cookies;
        if (c == null) {
            Map<String, String> parsed = new LinkedHashMap<>();
            for (String header : headers("cookie")) {
                for (Cookie cookie : ServerCookieDecoder.STRICT.decodeAll(header)) {
                    parsed.putIfAbsent(cookie.name(), cookie.value());
                }
            }
            c = parsed.isEmpty() ? Map.of() : Collections.unmodifiableMap(parsed);
            cookies = c;
        }
        return c;
    }

    @Override
    public Map<String, List<String>> queryParameters() {
        Map<String, List<String>> q = query;
        if (q == null) {
            Map<String, List<String>> parsed = new LinkedHashMap<>();
            new QueryStringDecoder(uri).parameters().forEach((k, v) -> parsed.put(k, List.copyOf(v)));
            q = parsed.isEmpty() ? Map.of() : Collections.unmodifiableMap(parsed);
            query = q;
        }
        return q;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public List<X509Certificate> clientCertificates() {
        return clientCertificates;
    }

    @Override
    public String toString() {
        return "UpgradeRequest[" + path() + " from " + remoteAddress + "]";
    }
}
