package dev.hardlight.stream.internal;

import dev.hardlight.stream.TlsOptions;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509TrustManager;

/**
 * BoringSSL's engine through netty-tcnative. Loaded only when {@link SslEngines} has seen Netty's classes on
 * the class path. Thread-safe.
 */
final class OpenSslEngines {

    private OpenSslEngines() {
    }

    static boolean available() {
        try {
            return OpenSsl.isAvailable();
        } catch (LinkageError e) {
            return false;
        }
    }

    static SSLEngine clientEngine(String host, int port, TlsOptions options) throws IOException {
        X509TrustManager pinned = SslEngines.pinnedTrust(options);
        try {
            // SslProvider.OPENSSL (not the reference-counted one): its engines free their native state when
            // collected, so a dropped connection cannot leak it.
            SslContext ctx = SslContextBuilder.forClient()
                    .sslProvider(SslProvider.OPENSSL)
                    .protocols(SslEngines.protocols(options))
                    .trustManager(pinned)
                    .endpointIdentificationAlgorithm(pinned == null ? "HTTPS" : null)
                    .build();
            return ctx.newEngine(UnpooledByteBufAllocator.DEFAULT, host, port);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot create the OpenSSL TLS engine: " + e.getMessage(), e);
        }
    }
}
