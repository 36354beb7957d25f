package dev.hardlight.stream;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;

/**
 * One WebSocket feed an {@link IoService} keeps connected: its URL and what to do with the connection.
 * The service resolves the host, creates the stream ({@link #createStream}), runs the upgrade, calls
 * {@link #onConnected} (send subscriptions there), hands every frame to {@link #onFrame}, and when the
 * connection ends asks {@link #canReconnect} whether to make a new one.
 *
 * <p>Every method is called on the thread that polls the service; none may block. {@code C} is the
 * service's user context, passed to every call.
 *
 * <pre>{@code
 * record Trades(URI uri, String symbol) implements Endpoint<Book> {
 *     public void onConnected(WebSocket ws, Book book) {
 *         ws.sendText("{\"op\":\"subscribe\",\"channel\":\"trades\",\"symbol\":\"" + symbol + "\"}");
 *     }
 *     public void onFrame(WebSocket ws, Frame frame, Book book) {
 *         book.onTrade(frame.buffer(), frame.offset(), frame.length(), frame.receiveTimeNanos());
 *     }
 * }
 * }</pre>
 */
public interface Endpoint<C> {

    /** The URL: {@code ws://} or {@code wss://}, a host name or an IP literal, an optional port and path. */
    URI uri();

    /** The WebSocket settings of its connections (TLS for {@code wss://} included). Default: the defaults. */
    default WebSocketOptions options() {
        return WebSocketOptions.defaults();
    }

    /**
     * How long a connection may live before the service closes it (a close handshake) and makes a new one,
     * for feeds whose sessions degrade with age; {@code null} (the default) for no limit. Read once per
     * connection.
     */
    default Duration ttl() {
        return null;
    }

    /**
     * How long an open connection may go without receiving a byte before the service drops it
     * ({@link Disconnect.Reason#IDLE_TIMEOUT}) and reconnects, for servers that go silent without closing;
     * {@code null} (the default) for no limit. Use it with a feed that sends something (data or pings) more
     * often than this. Read once per connection.
     */
    default Duration idleTimeout() {
        return null;
    }

    /**
     * Creates the stream to {@code address} (the resolved host and the URL's port). The default makes a TCP
     * stream, with TLS over it for {@code wss://} ({@link WebSocketOptions#tls()}). Override it to bind to a
     * local address or interface, or to record the connection:
     *
     * <pre>{@code
     * public Stream createStream(InetSocketAddress address, Ctx ctx) throws IOException {
     *     return Streams.recorded(Endpoint.super.createStream(address, ctx), Path.of("feed.hlrec"), uri().toString());
     * }
     * }</pre>
     */
    default Stream createStream(InetSocketAddress address, C context) throws IOException {
        Stream tcp = Streams.tcp(address);
        if (!"wss".equalsIgnoreCase(uri().getScheme())) {
            return tcp;
        }
        try {
            return Streams.tls(tcp, uri().getHost(), address.getPort(), options().tls());
        } catch (IOException | RuntimeException e) {
            tcp.close();
            throw e;
        }
    }

    /** The connection is open (upgrade done): send subscription messages here. */
    void onConnected(WebSocket ws, C context);

    /** A frame arrived; the view is valid only during the call (see {@link Frame}). */
    void onFrame(WebSocket ws, Frame frame, C context);

    /**
     * The connection ended, or could not be made: whether the service should make a new one (after its
     * back-off; at once after {@link Disconnect.Reason#TTL_EXPIRED}). Returning {@code false} removes the
     * endpoint from the service. Default: {@code true}.
     */
    default boolean canReconnect(Disconnect disconnect, C context) {
        return true;
    }
}
