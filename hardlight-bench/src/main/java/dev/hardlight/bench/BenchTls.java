package dev.hardlight.bench;

import dev.hardlight.netty.internal.Certificates;
import dev.hardlight.netty.internal.KeyMaterial;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One self-signed certificate for "localhost", in PEM files every system reads: the same key and
 * chain, so TLS costs the same everywhere (TLS 1.3, BoringSSL through netty-tcnative).
 */
final class BenchTls {
    final Path dir;
    final Path cert;
    final Path key;
    final String fingerprint;

    private BenchTls(Path dir, String fingerprint) {
        this.dir = dir;
        this.cert = dir.resolve("hardlight-cert.pem");
        this.key = dir.resolve("hardlight-key.pem");
        this.fingerprint = fingerprint;
    }

    /** A fresh certificate in a new directory under {@code parent}. */
    static BenchTls create(Path parent) {
        try {
            Files.createDirectories(parent);
            Path dir = Files.createTempDirectory(parent, "tls");
            Files.delete(dir); // persist() makes it, with owner-only permissions
            KeyMaterial material = Certificates.selfSigned("localhost");
            Certificates.persist(material, dir);
            return new BenchTls(dir, material.fingerprint());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The certificate already in {@code dir} (a child process reads its parent's). */
    static BenchTls open(Path dir) {
        KeyMaterial material = Certificates.loadPersisted(dir);
        return new BenchTls(dir, material.fingerprint());
    }
}
