package dev.hardlight.stream.internal;

import dev.hardlight.stream.TlsOptions;
import java.io.IOException;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** Creates client {@link SSLEngine}s: BoringSSL through netty-tcnative when present, the JDK's otherwise. Thread-safe. */
public final class SslEngines {

    private static final boolean OPENSSL_CLASSES = classesPresent();

    private SslEngines() {
    }

    private static boolean classesPresent() {
        try {
            Class.forName("io.netty.handler.ssl.OpenSsl", false, SslEngines.class.getClassLoader());
            Class.forName("io.netty.internal.tcnative.SSL", false, SslEngines.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Whether BoringSSL's engine can be used here (classes present and the native library loads). */
    public static boolean openSslAvailable() {
        return OPENSSL_CLASSES && OpenSslEngines.available();
    }

    /** The protocols to enable, most preferred first. */
    static String[] protocols(TlsOptions options) {
        return options.tls13Only() ? new String[] {"TLSv1.3"} : new String[] {"TLSv1.3", "TLSv1.2"};
    }

    static X509TrustManager pinnedTrust(TlsOptions options) {
        byte[] pin = options.pinnedSha256();
        return pin == null ? null : new PinnedTrustManager(pin);
    }

    /** A client engine for {@code host}, in client mode, handshake not begun. */
    public static SSLEngine clientEngine(String host, int port, TlsOptions options) throws IOException {
        switch (options.engine()) {
            case OPENSSL -> {
                if (!openSslAvailable()) {
                    throw new IOException("the OpenSSL engine was asked for but is not available: put netty-handler and "
                            + "netty-tcnative-boringssl-static (with this platform's classifier) on the class path");
                }
                return OpenSslEngines.clientEngine(host, port, options);
            }
            case AUTO -> {
                if (openSslAvailable()) {
                    return OpenSslEngines.clientEngine(host, port, options);
                }
                return jdkEngine(host, port, options);
            }
            default -> {
                return jdkEngine(host, port, options);
            }
        }
    }

    /** The JDK's engine. */
    public static SSLEngine jdkEngine(String host, int port, TlsOptions options) throws IOException {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            X509TrustManager pinned = pinnedTrust(options);
            ctx.init(null, pinned == null ? null : new TrustManager[] {pinned}, null);
            SSLEngine engine = ctx.createSSLEngine(host, port);
            engine.setUseClientMode(true);
            SSLParameters params = engine.getSSLParameters();
            params.setProtocols(protocols(options));
            if (pinned == null) {
                params.setEndpointIdentificationAlgorithm("HTTPS");
            }
            engine.setSSLParameters(params);
            return engine;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("cannot create the JDK's TLS engine: " + e.getMessage(), e);
        }
    }
}
