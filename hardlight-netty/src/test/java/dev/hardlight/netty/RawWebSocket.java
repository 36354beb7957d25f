package dev.hardlight.netty;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** A raw JDK WebSocket client (trusting any certificate) that records what it receives. */
final class RawWebSocket implements WebSocket.Listener {
    final BlockingQueue<byte[]> binary = new LinkedBlockingQueue<>();
    /** "code reason" of the close frame received. */
    final CompletableFuture<String> closed = new CompletableFuture<>();
    /** Payloads of the pongs received, as text. */
    final BlockingQueue<String> pongs = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    WebSocket ws;

    static HttpClient trustAllClient() {
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return HttpClient.newBuilder().sslContext(ssl).build();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Opens a connection offering {@code subprotocols} (none when empty). */
    static CompletableFuture<WebSocket> open(URI uri, RawWebSocket listener, String... subprotocols) {
        WebSocket.Builder b = trustAllClient().newWebSocketBuilder();
        if (subprotocols.length > 0) {
            String[] rest = new String[subprotocols.length - 1];
            System.arraycopy(subprotocols, 1, rest, 0, rest.length);
            b.subprotocols(subprotocols[0], rest);
        }
        return b.buildAsync(uri, listener);
    }

    /** Opens a hardlight.v1 connection and waits for it. */
    static RawWebSocket connect(URI uri) throws Exception {
        RawWebSocket r = new RawWebSocket();
        r.ws = open(uri, r, "hardlight.v1").get(10, TimeUnit.SECONDS);
        return r;
    }

    byte[] take() throws InterruptedException {
        byte[] b = binary.poll(10, TimeUnit.SECONDS);
        if (b == null) {
            throw new AssertionError("no binary message within 10 s");
        }
        return b;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        partial.writeBytes(b);
        if (last) {
            binary.add(partial.toByteArray());
            partial.reset();
        }
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        pongs.add(java.nio.charset.StandardCharsets.UTF_8.decode(message).toString());
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode + " " + reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }
}
