package dev.hardlight.stream;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of a {@link WebSocket} client. Defaults: frames of at most {@value #DEFAULT_MAX_FRAME_PAYLOAD}
 * bytes of payload received, an outbound buffer of {@value #DEFAULT_OUTBOUND_BUFFER} bytes, outbound frames
 * masked, text validated as UTF-8, a close handshake that waits at most 5 seconds for the server, TLS with
 * the system trust store (for {@code wss://} endpoints of an {@link IoService}), no extra headers.
 * Immutable and thread-safe.
 */
public final class WebSocketOptions {

    /** Default largest payload of a received frame: 1 MiB. */
    public static final int DEFAULT_MAX_FRAME_PAYLOAD = 1 << 20;
    /** Default size of the outbound buffer: 256 KiB. */
    public static final int DEFAULT_OUTBOUND_BUFFER = 256 << 10;

    private static final WebSocketOptions DEFAULTS = new Builder().build();

    private final int maxFramePayload;
    private final int outboundBuffer;
    private final boolean masking;
    private final boolean validateUtf8;
    private final Duration closeTimeout;
    private final TlsOptions tls;
    private final Map<String, String> headers;

    private WebSocketOptions(Builder b) {
        this.maxFramePayload = b.maxFramePayload;
        this.outboundBuffer = b.outboundBuffer;
        this.masking = b.masking;
        this.validateUtf8 = b.validateUtf8;
        this.closeTimeout = b.closeTimeout;
        this.tls = b.tls;
        this.headers = Map.copyOf(b.headers);
    }

    /** The defaults. */
    public static WebSocketOptions defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder with these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxFramePayload = maxFramePayload;
        b.outboundBuffer = outboundBuffer;
        b.masking = masking;
        b.validateUtf8 = validateUtf8;
        b.closeTimeout = closeTimeout;
        b.tls = tls;
        b.headers.putAll(headers);
        return b;
    }

    /** Largest payload of a received frame; a larger one closes the connection with 1009. */
    public int maxFramePayload() {
        return maxFramePayload;
    }

    /** Size of the outbound buffer, which bounds what may wait to be written. */
    public int outboundBuffer() {
        return outboundBuffer;
    }

    /** Whether outbound frames are masked (RFC 6455 requires it of clients). */
    public boolean masking() {
        return masking;
    }

    /** Whether received text is checked to be UTF-8 (invalid text closes with 1007). */
    public boolean validateUtf8() {
        return validateUtf8;
    }

    /** How long a close handshake waits for the server's close frame. */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    /** TLS settings for {@code wss://} endpoints of an {@link IoService}. */
    public TlsOptions tls() {
        return tls;
    }

    /** Extra headers of the upgrade request (for example {@code Authorization}). */
    public Map<String, String> headers() {
        return headers;
    }

    /** Builds {@link WebSocketOptions}. Not thread-safe. */
    public static final class Builder {
        private int maxFramePayload = DEFAULT_MAX_FRAME_PAYLOAD;
        private int outboundBuffer = DEFAULT_OUTBOUND_BUFFER;
        private boolean masking = true;
        private boolean validateUtf8 = true;
        private Duration closeTimeout = Duration.ofSeconds(5);
        private TlsOptions tls = TlsOptions.system();
        private final Map<String, String> headers = new LinkedHashMap<>();

        private Builder() {
        }

        /** Largest payload of a received frame, 125 .. 1 GiB. The read buffer is this plus 14 bytes. */
        public Builder maxFramePayload(int bytes) {
            if (bytes < 125 || bytes > (1 << 30)) {
                throw new IllegalArgumentException("maxFramePayload: " + bytes + " (expected: 125 .. 1073741824)");
            }
            this.maxFramePayload = bytes;
            return this;
        }

        /** Size of the outbound buffer, 1 KiB .. 1 GiB; no frame larger than it minus 14 bytes can be sent. */
        public Builder outboundBuffer(int bytes) {
            if (bytes < 1024 || bytes > (1 << 30)) {
                throw new IllegalArgumentException("outboundBuffer: " + bytes + " (expected: 1024 .. 1073741824)");
            }
            this.outboundBuffer = bytes;
            return this;
        }

        /**
         * Whether to mask outbound frames (default {@code true}). RFC 6455 requires a client to mask; turn it
         * off only for a trusted peer that accepts unmasked frames (saves the XOR over every payload byte).
         */
        public Builder masking(boolean masking) {
            this.masking = masking;
            return this;
        }

        /** Whether to check received text is UTF-8 (default {@code true}). */
        public Builder validateUtf8(boolean validateUtf8) {
            this.validateUtf8 = validateUtf8;
            return this;
        }

        /** How long a close handshake waits for the server's close frame (default 5 s, positive). */
        public Builder closeTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("closeTimeout: " + timeout + " (expected: > 0)");
            }
            this.closeTimeout = timeout;
            return this;
        }

        /** TLS settings for {@code wss://} endpoints of an {@link IoService} (default {@link TlsOptions#system()}). */
        public Builder tls(TlsOptions tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /** Adds a header to the upgrade request. Name and value must not contain CR or LF. */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.isEmpty() || (name + value).indexOf('\r') >= 0 || (name + value).indexOf('\n') >= 0
                    || name.indexOf(':') >= 0) {
                throw new IllegalArgumentException("header: " + name + " (expected: a name without ':' and no CR or LF)");
            }
            headers.put(name, value);
            return this;
        }

        /** The options. */
        public WebSocketOptions build() {
            return new WebSocketOptions(this);
        }
    }
}
