package dev.hardlight.stream.internal;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * The client's side of the WebSocket opening handshake (RFC 6455 §4.1): the request, and the check of the
 * server's response head. Allocates (once per connection). Not thread-safe.
 */
public final class Upgrade {

    /** The largest response head accepted. */
    public static final int MAX_HEAD = 16 * 1024;
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final String key;

    public Upgrade(SecureRandom random, String recordedKey) {
        if (recordedKey != null) {
            this.key = recordedKey;
        } else {
            byte[] nonce = new byte[16];
            random.nextBytes(nonce);
            this.key = Base64.getEncoder().encodeToString(nonce);
        }
    }

    /** The request head for {@code uri}, in ASCII. */
    public byte[] request(URI uri, Map<String, String> headers) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        boolean secure = "wss".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort();
        String host = uri.getHost() + (port < 0 || port == (secure ? 443 : 80) ? "" : ":" + port);
        StringBuilder sb = new StringBuilder(256)
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        for (Map.Entry<String, String> h : headers.entrySet()) {
            sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The expected {@code Sec-WebSocket-Accept}. */
    String expectedAccept() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JDK", e);
        }
    }

    /**
     * Checks the response head (without its final empty line).
     *
     * @return {@code null} if the server accepted the upgrade, otherwise why not, in a sentence
     */
    public String check(String head) {
        String[] lines = head.split("\r\n");
        String status = lines[0];
        if (!status.startsWith("HTTP/1.1 101")) {
            return "the server refused the WebSocket upgrade: " + abbreviate(status);
        }
        String upgrade = null;
        String connection = null;
        String accept = null;
        String extensions = null;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                return "malformed header line in the upgrade response: " + abbreviate(lines[i]);
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            switch (name) {
                case "upgrade" -> upgrade = value;
                case "connection" -> connection = value;
                case "sec-websocket-accept" -> accept = value;
                case "sec-websocket-extensions" -> extensions = value;
                default -> {
                    // other headers do not matter to the client
                }
            }
        }
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
            return "the upgrade response has Upgrade: " + upgrade + " (expected: websocket)";
        }
        if (connection == null || !connection.toLowerCase(Locale.ROOT).contains("upgrade")) {
            return "the upgrade response has Connection: " + connection + " (expected: Upgrade)";
        }
        if (!expectedAccept().equals(accept)) {
            return "the upgrade response has Sec-WebSocket-Accept: " + accept + " (expected: " + expectedAccept() + ")";
        }
        if (extensions != null && !extensions.isEmpty()) {
            return "the server accepted extensions the client did not offer: " + abbreviate(extensions);
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
