package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link Tls#publicKeyPin()}: the key browsers pin, as the server presents it, stable across restarts. */
@Timeout(30)
class PublicKeyPinTest {
    @TempDir
    Path dir;

    private static String pin(X509Certificate cert) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded()));
    }

    @Test
    void pinIsTheSha256OfTheKeyTheServerPresents() throws Exception {
        Tls tls = Tls.selfSigned("localhost").persistIn(dir);
        String pin = tls.publicKeyPin();
        assertThat(Base64.getDecoder().decode(pin)).hasSize(32);
        X509Certificate saved;
        try (InputStream in = Files.newInputStream(dir.resolve("hardlight-cert.pem"))) {
            saved = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        assertThat(pin).isEqualTo(pin(saved));
        try (HardLightServer server = HardLight.server(Counter.class, c -> null).tls(tls).bind("127.0.0.1", 0).start();
                SSLSocket socket = (SSLSocket) TrustAll.context().getSocketFactory().createSocket("127.0.0.1", server.port())) {
            socket.startHandshake();
            assertThat(pin((X509Certificate) socket.getSession().getPeerCertificates()[0])).isEqualTo(pin);
        }
        assertThat(Tls.selfSigned("localhost").persistIn(dir).publicKeyPin()).as("after a restart").isEqualTo(pin);
        assertThat(Tls.selfSigned("localhost").publicKeyPin()).as("another certificate").isNotEqualTo(pin);
    }

    /** Trusts whatever the server presents: this test checks what it presents. */
    static final class TrustAll {
        static javax.net.ssl.SSLContext context() throws Exception {
            javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
            ssl.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return ssl;
        }
    }
}
