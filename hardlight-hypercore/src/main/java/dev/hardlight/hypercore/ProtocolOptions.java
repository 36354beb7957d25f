package dev.hardlight.hypercore;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * Options of a {@link Protocol}. Immutable; build with {@link #builder()}.
 *
 * <ul>
 *   <li>{@code keyPair}: our static Noise key; a fresh random one by default.
 *   <li>{@code allowPeer}: called with the remote's static public key once the handshake completes; returning
 *       false closes the connection ("peer refused"). Allows every peer by default.
 *   <li>{@code keepAliveMillis}: an empty (keep-alive) frame is sent when nothing was sent for this long, on
 *       {@link Protocol#tick}; {@value #DEFAULT_KEEP_ALIVE_MILLIS} ms by default like hypercore, 0 turns it off.
 *   <li>{@code maxFrameBytes}: the largest encrypted frame accepted from the peer; {@value #DEFAULT_MAX_FRAME_BYTES}
 *       (the wire's maximum) by default. Memory for one incoming frame never exceeds it.
 * </ul>
 */
public final class ProtocolOptions {
    public static final int DEFAULT_KEEP_ALIVE_MILLIS = 5000;
    public static final int DEFAULT_MAX_FRAME_BYTES = 0xffffff;

    private final Ed25519KeyPair keyPair;
    private final Predicate<byte[]> allowPeer;
    private final int keepAliveMillis;
    private final int maxFrameBytes;

    private ProtocolOptions(Builder b) {
        this.keyPair = b.keyPair != null ? b.keyPair : Ed25519KeyPair.generate();
        this.allowPeer = b.allowPeer;
        this.keepAliveMillis = b.keepAliveMillis;
        this.maxFrameBytes = b.maxFrameBytes;
    }

    /** Default options with a fresh key pair. */
    public static ProtocolOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Ed25519KeyPair keyPair() {
        return keyPair;
    }

    public Predicate<byte[]> allowPeer() {
        return allowPeer;
    }

    public int keepAliveMillis() {
        return keepAliveMillis;
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** A builder of {@link ProtocolOptions}. Not thread safe. */
    public static final class Builder {
        private Ed25519KeyPair keyPair;
        private Predicate<byte[]> allowPeer;
        private int keepAliveMillis = DEFAULT_KEEP_ALIVE_MILLIS;
        private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;

        private Builder() {}

        public Builder keyPair(Ed25519KeyPair keyPair) {
            this.keyPair = Objects.requireNonNull(keyPair, "keyPair");
            return this;
        }

        public Builder allowPeer(Predicate<byte[]> allowPeer) {
            this.allowPeer = Objects.requireNonNull(allowPeer, "allowPeer");
            return this;
        }

        public Builder keepAliveMillis(int millis) {
            if (millis < 0) {
                throw new IllegalArgumentException("keepAliveMillis : " + millis + " (expected: >= 0)");
            }
            this.keepAliveMillis = millis;
            return this;
        }

        public Builder maxFrameBytes(int bytes) {
            if (bytes < 128 || bytes > DEFAULT_MAX_FRAME_BYTES) {
                throw new IllegalArgumentException("maxFrameBytes : " + bytes + " (expected: 128..16777215)");
            }
            this.maxFrameBytes = bytes;
            return this;
        }

        public ProtocolOptions build() {
            return new ProtocolOptions(this);
        }
    }
}
