package dev.hardlight.stream.internal;

import dev.hardlight.stream.Disconnect;
import dev.hardlight.stream.Endpoint;
import dev.hardlight.stream.Frame;
import dev.hardlight.stream.FrameHandler;
import dev.hardlight.stream.Stream;
import dev.hardlight.stream.WebSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One registered endpoint and its current connection, moved along by the I/O service:
 * WAITING (until its next attempt) → RESOLVING → CONNECTING → OPEN → (disconnect) → WAITING or STOPPED.
 * Not thread-safe: owned by the polling thread.
 */
public final class EndpointSlot<C> implements Pollable, FrameHandler {

    private enum State { WAITING, RESOLVING, CONNECTING, OPEN, STOPPED }

    private final Endpoint<C> endpoint;
    private final C context;
    private final ReadinessSelector selector;
    private final ResolverPool resolver;
    private final URI uri;
    private State state = State.WAITING;
    private long nextAttemptAt;
    private int failures;
    private CompletableFuture<InetAddress> dns;
    private long deadline;
    private WebSocket ws;
    private Stream stream;
    private long openedAt;
    private long ttlNanos;
    private boolean ttlExpired;
    private long idleNanos;
    private boolean idleExpired;
    private boolean connectTimedOut;
    private RuntimeException handlerFailure;
    private Disconnect disconnect;
    private boolean startedConnecting;

    public EndpointSlot(Endpoint<C> endpoint, C context, ReadinessSelector selector, ResolverPool resolver, long now) {
        this.endpoint = endpoint;
        this.context = context;
        this.selector = selector;
        this.resolver = resolver;
        this.uri = endpoint.uri();
        if (uri.getHost() == null || !(uri.getScheme().equalsIgnoreCase("ws") || uri.getScheme().equalsIgnoreCase("wss"))) {
            throw new IllegalArgumentException("uri: " + uri + " (expected: ws://host[:port]/path or wss://...)");
        }
        this.nextAttemptAt = now;
    }

    public Endpoint<C> endpoint() {
        return endpoint;
    }

    public boolean isPending() {
        return state == State.RESOLVING || state == State.CONNECTING;
    }

    public boolean isStopped() {
        return state == State.STOPPED;
    }

    /** Whether the last {@link #advance} started a resolution. */
    public boolean startedConnecting() {
        return startedConnecting;
    }

    public WebSocket openConnection() {
        return state == State.OPEN ? ws : null;
    }

    /** Moves the endpoint along its life; returns the work done. */
    public int advance(long now, boolean mayStart, long dnsTimeout, long connectTimeout, long backoffMin, long backoffMax) {
        startedConnecting = false;
        switch (state) {
            case WAITING -> {
                if (mayStart && now - nextAttemptAt >= 0) {
                    dns = resolver.resolve(uri.getHost());
                    deadline = now + dnsTimeout;
                    state = State.RESOLVING;
                    startedConnecting = true;
                    return 1;
                }
            }
            case RESOLVING -> {
                if (dns.isDone()) {
                    resolved(now, connectTimeout);
                } else if (now - deadline > 0) {
                    dns.cancel(true);
                    disconnect = new Disconnect(Disconnect.Reason.DNS_TIMEOUT, -1, "resolving " + uri.getHost()
                            + " took over " + Duration.ofNanos(dnsTimeout).toMillis() + " ms", null);
                }
            }
            case CONNECTING -> {
                if (now - deadline > 0 && ws != null && ws.state() == WebSocket.State.CONNECTING) {
                    connectTimedOut = true;
                    ws.close(WebSocket.NORMAL_CLOSURE, "not connected within "
                            + Duration.ofNanos(connectTimeout).toMillis() + " ms");
                }
            }
            case OPEN -> {
                if (ttlNanos > 0 && !ttlExpired && now - openedAt > ttlNanos) {
                    ttlExpired = true;
                    ws.close(WebSocket.NORMAL_CLOSURE, "time to live expired");
                }
                if (idleNanos > 0 && !idleExpired && ws != null
                        && now - Math.max(openedAt, ws.lastReadNanos()) > idleNanos) {
                    // a silent server will not answer a close handshake either: drop at once
                    idleExpired = true;
                    ws.close();
                }
            }
            default -> {
                return 0;
            }
        }
        if (disconnect == null) {
            return 0;
        }
        ended(now, backoffMin, backoffMax);
        return 1;
    }

    private void resolved(long now, long connectTimeout) {
        InetAddress address;
        try {
            address = dns.join();
        } catch (CompletionException | CancellationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            disconnect = new Disconnect(Disconnect.Reason.DNS_FAILED, -1, "cannot resolve " + uri.getHost() + ": " + cause, cause);
            return;
        }
        dns = null;
        int port = uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("wss") ? 443 : 80;
        try {
            stream = endpoint.createStream(new InetSocketAddress(address, port), context);
            ws = WebSocket.over(stream, uri, endpoint.options(), this);
            selector.add(this, stream.channel());
        } catch (IOException | RuntimeException e) {
            if (stream != null) {
                stream.close();
            }
            stream = null;
            ws = null;
            disconnect = new Disconnect(Disconnect.Reason.CONNECT_FAILED, -1, "cannot connect to " + address + ":" + port + ": " + e, e);
            return;
        }
        state = State.CONNECTING;
        deadline = now + connectTimeout;
        connectTimedOut = false;
        ttlExpired = false;
        idleExpired = false;
        handlerFailure = null;
    }

    private void ended(long now, long backoffMin, long backoffMax) {
        Disconnect d = disconnect;
        disconnect = null;
        if (stream != null) {
            selector.remove(this, stream.channel());
        }
        ws = null;
        stream = null;
        boolean again = endpoint.canReconnect(d, context);
        if (!again) {
            state = State.STOPPED;
            return;
        }
        long delay;
        if (d.reason() == Disconnect.Reason.TTL_EXPIRED) {
            delay = 0;
        } else {
            delay = Math.min(backoffMax, backoffMin << Math.min(failures, 30));
            if (delay < 0) {
                delay = backoffMax;
            }
            failures++;
        }
        nextAttemptAt = now + delay;
        state = State.WAITING;
    }

    /** Closes the connection at once and stops. */
    public void stop() {
        state = State.STOPPED;
        if (dns != null) {
            dns.cancel(true);
        }
        if (ws != null) {
            WebSocket w = ws;
            ws = null;
            w.close();
        }
        if (stream != null) {
            selector.remove(this, stream.channel());
            stream = null;
        }
    }

    // ---- Pollable

    @Override
    public int pollNow() {
        WebSocket w = ws;
        if (w == null) {
            return 0;
        }
        try {
            return w.poll();
        } catch (RuntimeException e) {
            handlerFailure = e;
            w.close();
            return 1;
        }
    }

    @Override
    public boolean needsPoll() {
        WebSocket w = ws;
        return w != null && (w.state() != WebSocket.State.OPEN || w.hasPendingOutput()
                || stream.hasBufferedInput() || stream.channel() == null);
    }

    // ---- FrameHandler of the current connection

    @Override
    public void onOpen(WebSocket socket) {
        state = State.OPEN;
        openedAt = System.nanoTime();
        failures = 0;
        Duration ttl = endpoint.ttl();
        ttlNanos = ttl == null ? 0 : ttl.toNanos();
        Duration idle = endpoint.idleTimeout();
        idleNanos = idle == null ? 0 : idle.toNanos();
        endpoint.onConnected(socket, context);
    }

    @Override
    public void onFrame(WebSocket socket, Frame frame) {
        endpoint.onFrame(socket, frame, context);
    }

    @Override
    public void onClose(WebSocket socket, int code, String reason) {
        if (state == State.STOPPED) {
            return;
        }
        Disconnect.Reason r;
        if (handlerFailure != null) {
            r = Disconnect.Reason.HANDLER_FAILED;
        } else if (connectTimedOut) {
            r = Disconnect.Reason.CONNECT_TIMEOUT;
        } else if (state == State.CONNECTING) {
            r = Disconnect.Reason.CONNECT_FAILED;
        } else if (idleExpired) {
            r = Disconnect.Reason.IDLE_TIMEOUT;
        } else if (ttlExpired) {
            r = Disconnect.Reason.TTL_EXPIRED;
        } else {
            r = Disconnect.Reason.CLOSED;
        }
        Throwable cause = handlerFailure != null ? handlerFailure : socket.failure();
        String detail = handlerFailure != null ? "an endpoint callback threw " + handlerFailure
                : idleExpired ? "nothing received for " + Duration.ofNanos(idleNanos).toMillis() + " ms" : reason;
        disconnect = new Disconnect(r, code, detail, cause);
    }
}
