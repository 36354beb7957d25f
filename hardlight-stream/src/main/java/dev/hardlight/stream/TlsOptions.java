package dev.hardlight.stream;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * How a {@link Streams#tls TLS stream} trusts its server and which engine it runs.
 *
 * <p>{@link #system()} verifies the server's certificate chain against the JDK's default trust store and
 * checks the host name (the default). {@link #pinned(String)} trusts exactly one certificate, by the
 * SHA-256 fingerprint of its DER encoding (for self-signed development certificates), and checks nothing
 * else about it. TLS 1.3 is offered first; TLS 1.2 is accepted unless {@link Builder#tls13Only} is set.
 *
 * <p>The engine: {@link Engine#AUTO} (the default) takes BoringSSL through netty-tcnative when
 * {@code netty-handler} and {@code netty-tcnative-boringssl-static} are on the class path and load on
 * this platform, and the JDK's engine otherwise. Immutable and thread-safe.
 */
public final class TlsOptions {

    /** Which {@link javax.net.ssl.SSLEngine} to use. */
    public enum Engine {
        /** BoringSSL (netty-tcnative) when available, the JDK's engine otherwise. */
        AUTO,
        /** BoringSSL through netty-tcnative; the connection fails if it is not available. */
        OPENSSL,
        /** The JDK's own engine. */
        JDK
    }

    private final byte[] pinnedSha256;
    private final Engine engine;
    private final boolean tls13Only;

    private TlsOptions(Builder b) {
        this.pinnedSha256 = b.pinnedSha256;
        this.engine = b.engine;
        this.tls13Only = b.tls13Only;
    }

    /** Verifies the server against the JDK's default trust store and checks the host name. */
    public static TlsOptions system() {
        return new Builder().build();
    }

    /**
     * Trusts only the certificate whose SHA-256 fingerprint (of its DER encoding) is
     * {@code sha256Hex}: 64 hexadecimal digits, colons and spaces ignored.
     *
     * @throws IllegalArgumentException if it is not 32 bytes of hex
     */
    public static TlsOptions pinned(String sha256Hex) {
        return new Builder().pinned(sha256Hex).build();
    }

    /** A builder with these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.pinnedSha256 = pinnedSha256;
        b.engine = engine;
        b.tls13Only = tls13Only;
        return b;
    }

    /** The pinned fingerprint (a copy), or {@code null} when the system trust store is used. */
    public byte[] pinnedSha256() {
        return pinnedSha256 == null ? null : pinnedSha256.clone();
    }

    /** The engine choice. */
    public Engine engine() {
        return engine;
    }

    /** Whether only TLS 1.3 is accepted. */
    public boolean tls13Only() {
        return tls13Only;
    }

    @Override
    public String toString() {
        return "TlsOptions[" + (pinnedSha256 == null ? "system trust" : "pinned " + HexFormat.of().formatHex(pinnedSha256))
                + ", engine " + engine + (tls13Only ? ", TLS 1.3 only" : "") + "]";
    }

    /** Builds {@link TlsOptions}. Not thread-safe. */
    public static final class Builder {
        private byte[] pinnedSha256;
        private Engine engine = Engine.AUTO;
        private boolean tls13Only;

        private Builder() {
        }

        /** Trusts only the certificate with this SHA-256 fingerprint (see {@link TlsOptions#pinned}). */
        public Builder pinned(String sha256Hex) {
            Objects.requireNonNull(sha256Hex, "sha256Hex");
            String hex = sha256Hex.replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
            byte[] bytes;
            try {
                bytes = HexFormat.of().parseHex(hex);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("fingerprint: " + sha256Hex + " (expected: 64 hex digits)", e);
            }
            if (bytes.length != 32) {
                throw new IllegalArgumentException("fingerprint: " + sha256Hex + " (expected: 64 hex digits)");
            }
            this.pinnedSha256 = bytes;
            return this;
        }

        /** Which engine to use (default {@link Engine#AUTO}). */
        public Builder engine(Engine engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
            return this;
        }

        /** Accept only TLS 1.3 (default {@code false}: TLS 1.3 preferred, 1.2 accepted). */
        public Builder tls13Only(boolean tls13Only) {
            this.tls13Only = tls13Only;
            return this;
        }

        /** The options. */
        public TlsOptions build() {
            return new TlsOptions(this);
        }
    }
}
