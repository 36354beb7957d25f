package dev.hardlight.netty.internal;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.WeakHashMap;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * Netty TLS contexts: TLS 1.3 only, BoringSSL (netty-tcnative) when it loads, the JDK's TLS
 * otherwise. Thread-safe.
 */
public final class TlsContexts {
    private TlsContexts() {}

    /** The only protocol version offered and accepted. */
    static final String[] PROTOCOLS = {"TLSv1.3"};

    static SslProvider provider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /** "BoringSSL" or "JDK TLS", for log lines. */
    public static String providerName() {
        return OpenSsl.isAvailable() ? "BoringSSL" : "JDK TLS";
    }

    /** A server context for this key and chain. */
    public static SslContext server(KeyMaterial material) {
        try {
            return SslContextBuilder.forServer(material.key(), material.chain())
                    .sslProvider(provider())
                    .protocols(PROTOCOLS)
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** The client contexts made, one per options value, dropped with it. */
    private static final Map<Object, SslContext> CLIENTS = new WeakHashMap<>();

    /**
     * The client context of one options value: made on its first connect and shared by every
     * connection made with the same options (the value itself, not an equal one), then dropped with it.
     *
     * @param options the client's options, the key
     */
    public static SslContext client(Object options, TrustMode mode, String pin, Path caBundle) {
        synchronized (CLIENTS) {
            SslContext c = CLIENTS.get(options);
            if (c == null) {
                c = client(mode, pin, caBundle);
                CLIENTS.put(options, c);
            }
            return c;
        }
    }

    /**
     * A client context.
     *
     * @param pin the normalized fingerprint, for {@link TrustMode#PINNED}
     * @param caBundle the PEM file, for {@link TrustMode#CUSTOM_CA}
     */
    public static SslContext client(TrustMode mode, String pin, Path caBundle) {
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(provider()).protocols(PROTOCOLS);
        switch (mode) {
            case PINNED -> b.trustManager(new PinnedTrustManager(pin)).endpointIdentificationAlgorithm(null);
            case SYSTEM -> b.trustManager((TrustManagerFactory) null).endpointIdentificationAlgorithm("HTTPS");
            case CUSTOM_CA -> b.trustManager(caBundle.toFile()).endpointIdentificationAlgorithm("HTTPS");
            case TRUST_ALL -> b.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
            case PLAINTEXT -> throw new IllegalArgumentException("no TLS context for plaintext");
        }
        try {
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            String what = mode == TrustMode.CUSTOM_CA ? " with trusted certificates from " + caBundle : "";
            throw new IllegalArgumentException("cannot set up TLS" + what + ": " + e.getMessage(), e);
        }
    }
}
