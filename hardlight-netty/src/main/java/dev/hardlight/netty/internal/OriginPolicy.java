package dev.hardlight.netty.internal;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Which browser origins may open a connection (against cross-site WebSocket hijacking: a browser
 * sends the page's {@code Origin} with every upgrade, and cookies along with it). A request without
 * {@code Origin} is not from a browser page and is allowed. Immutable.
 */
public final class OriginPolicy {
    private final boolean any;
    private final Set<String> allowed;

    private OriginPolicy(boolean any, Set<String> allowed) {
        this.any = any;
        this.allowed = allowed;
    }

    /** Default: only the server's own origin (the {@code Host} the request was sent to, with the connection's scheme). */
    public static OriginPolicy sameOrigin() {
        return new OriginPolicy(false, Set.of());
    }

    /** Exactly these origins (as browsers send them: {@code https://app.example.com[:port]}), plus the server's own. */
    public static OriginPolicy allow(Set<String> origins) {
        return new OriginPolicy(false, Set.copyOf(origins.stream().map(OriginPolicy::normalize).toList()));
    }

    /** Any origin: for public, cookie-less endpoints only. */
    public static OriginPolicy any() {
        return new OriginPolicy(true, Set.of());
    }

    /**
     * Returns {@code null} when allowed, else the reason to refuse.
     *
     * @param origin the request's {@code Origin} header, or {@code null}
     * @param host the request's {@code Host} header, or {@code null}
     */
    public String check(String origin, String host, boolean tls) {
        if (origin == null || any) {
            return null;
        }
        String o = normalize(origin);
        if (allowed.contains(o)) {
            return null;
        }
        if (host != null && o.equals(normalize((tls ? "https://" : "http://") + host))) {
            return null;
        }
        return "origin " + origin + " is not allowed to connect to this server";
    }

    /**
     * Checks an origin given to the server builder: {@code http} or {@code https}, a host, an optional
     * port, nothing else (a trailing '/' is tolerated).
     *
     * @throws IllegalArgumentException if it is not such an origin
     */
    public static String checkOrigin(String origin) {
        Objects.requireNonNull(origin, "origin");
        String expected = " (expected: an origin as browsers send it, such as https://app.example.com or https://app.example.com:8443)";
        URI u;
        try {
            u = URI.create(origin.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("origin: '" + origin + "'" + expected, e);
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null || u.getRawUserInfo() != null
                || !(path.isEmpty() || path.equals("/")) || u.getRawQuery() != null || u.getRawFragment() != null) {
            throw new IllegalArgumentException("origin: '" + origin + "'" + expected);
        }
        return origin;
    }

    /** Lower-case scheme and host, default ports removed: {@code HTTPS://Example.com:443} is {@code https://example.com}. */
    static String normalize(String origin) {
        try {
            URI u = URI.create(origin.trim());
            if (u.getScheme() == null || u.getHost() == null) {
                return origin; // "null" and other opaque origins stay as sent and match only themselves
            }
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            String host = u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
            int port = u.getPort();
            boolean defaultPort = port == -1 || ("https".equals(scheme) && port == 443) || ("http".equals(scheme) && port == 80);
            return scheme + "://" + host + (defaultPort ? "" : ":" + port);
        } catch (IllegalArgumentException e) {
            return origin; // "null" and other opaque origins stay as sent and match only themselves
        }
    }

    @Override
    public String toString() {
        return any ? "any origin" : "same origin" + (allowed.isEmpty() ? "" : " and " + allowed);
    }
}
