package dev.hardlight.netty.internal;

import java.net.Socket;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly one server certificate: the leaf whose SHA-256 equals the pin. The chain is not
 * validated and the host name not checked: the pin names the very certificate, which is stronger.
 * Thread-safe (immutable).
 */
final class PinnedTrustManager extends X509ExtendedTrustManager {
    private final byte[] pin;
    private final String pinHex;

    PinnedTrustManager(String normalizedPin) {
        this.pinHex = normalizedPin;
        this.pin = HexFormat.of().parseHex(normalizedPin);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server sent no certificate");
        }
        byte[] actual = Fingerprints.sha256(chain[0].getEncoded());
        if (!MessageDigest.isEqual(actual, pin)) {
            throw new CertificateException(mismatch(HexFormat.of().formatHex(actual), pinHex));
        }
    }

    static String mismatch(String actual, String pinned) {
        return "server certificate SHA-256 fingerprint " + actual + " does not match the pinned fingerprint " + pinned;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a pinned client trust manager does not authenticate clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
