package dev.hardlight.netty.internal;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A server's private key and certificate chain, leaf first. Immutable.
 */
public record KeyMaterial(PrivateKey key, List<X509Certificate> chain) {
    public KeyMaterial {
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("chain: empty (expected: at least the leaf certificate)");
        }
    }

    /** Lowercase hex SHA-256 of the leaf certificate's DER encoding. */
    public String fingerprint() {
        return Fingerprints.of(chain.get(0));
    }
}
