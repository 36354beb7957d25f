package dev.hardlight.netty.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/** SHA-256 certificate fingerprints as lowercase hex. Thread-safe. */
public final class Fingerprints {
    private Fingerprints() {}

    /** Lowercase hex SHA-256 of the certificate's DER encoding. */
    public static String of(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(sha256(certificate.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("cannot encode certificate " + certificate.getSubjectX500Principal(), e);
        }
    }

    /** The SHA-256 of {@code data}. */
    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    /**
     * Normalizes a fingerprint as users write it: any case, with or without ':' (or space) separators.
     *
     * @throws IllegalArgumentException unless it is 32 bytes of hex
     */
    public static String normalize(String fingerprint) {
        String hex = fingerprint.replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
        if (hex.length() != 64 || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("fingerprint: '" + fingerprint
                    + "' (expected: a SHA-256 as 64 hex digits, ':' separators allowed)");
        }
        return hex;
    }
}
