package dev.hardlight.netty.internal;

import dev.hardlight.UpgradeRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
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
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * An immutable copy of the upgrade request: taken on the event loop before the request's buffer is
 * released, then read from any thread (the authenticator's, handlers').
 */
final class NettyUpgradeRequest implements UpgradeRequest {
    private final String path;
    private final Map<String, List<String>> headers;
    private final Map<String, String> cookies;
    private final Map<String, List<String>> query;
    private final SocketAddress remoteAddress;
    private final List<X509Certificate> clientCertificates;

    private NettyUpgradeRequest(String path, Map<String, List<String>> headers, Map<String, String> cookies,
                                Map<String, List<String>> query, SocketAddress remoteAddress,
                                List<X509Certificate> clientCertificates) {
        this.path = path;
        this.headers = headers;
        this.cookies = cookies;
        this.query = query;
        this.remoteAddress = remoteAddress;
        this.clientCertificates = clientCertificates;
    }

    static NettyUpgradeRequest of(FullHttpRequest req, SocketAddress remote, SslHandler ssl) {
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : req.headers()) {
            headers.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(h.getValue());
        }
        headers.replaceAll((k, v) -> List.copyOf(v));
        Map<String, String> cookies = new LinkedHashMap<>();
        for (String header : req.headers().getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie c : ServerCookieDecoder.STRICT.decodeAll(header)) {
                cookies.putIfAbsent(c.name(), c.value());
            }
        }
        Map<String, List<String>> query = new LinkedHashMap<>();
        uri.parameters().forEach((k, v) -> query.put(k, List.copyOf(v)));
        return new NettyUpgradeRequest(uri.path(), Collections.unmodifiableMap(headers), Collections.unmodifiableMap(cookies),
                Collections.unmodifiableMap(query), remote, clientCertificates(ssl));
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
        return path;
    }

    @Override
    public Optional<String> header(String name) {
        List<String> values = headers(name);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    @Override
    public List<String> headers(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    @Override
    public Map<String, String> cookies() {
        return cookies;
    }

    @Override
    public Map<String, List<String>> queryParameters() {
        return query;
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
        return "UpgradeRequest[" + path + " from " + remoteAddress + "]";
    }
}
