package dev.hardlight.netty;

import dev.hardlight.netty.internal.Certificates;
import dev.hardlight.netty.internal.Fingerprints;
import dev.hardlight.netty.internal.KeyMaterial;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's TLS identity: its certificate chain and private key. Servers speak TLS 1.3 only, with
 * BoringSSL (netty-tcnative) when it loads on this platform and the JDK's TLS otherwise.
 *
 * <p>For development, {@link #selfSigned(String)} makes a certificate that clients trust by pinning
 * its SHA-256 {@link #fingerprint()} ({@link ClientOptions#pinned(String)}); add
 * {@link #persistIn(Path)} to keep the same certificate, hence the same fingerprint, across restarts.
 * In production, {@link #fromPem(Path, Path)} loads a certificate a CA issued.
 *
 * <p>Immutable and thread-safe. A self-signed certificate is generated (or loaded from its directory)
 * once, the first time it is needed: at {@link #fingerprint()} or when a server starts with it.
 */
public final class Tls {
    private static final Logger log = LoggerFactory.getLogger(Tls.class);

    private final String selfSignedHost;
    private final Path persistDir;
    private volatile KeyMaterial material;

    private Tls(String selfSignedHost, Path persistDir, KeyMaterial material) {
        this.selfSignedHost = selfSignedHost;
        this.persistDir = persistDir;
        this.material = material;
    }

    /**
     * A self-signed development certificate for {@code host}: an EC P-256 key, valid for about a year,
     * with {@code host} as its DNS subject alternative name (an IP address SAN when {@code host} is an
     * IP literal) plus 127.0.0.1 and ::1 when {@code host} is {@code localhost}. Its fingerprint is
     * logged at INFO when it is made. Without {@link #persistIn(Path)}, every new {@code Tls} makes a
     * new certificate (and fingerprint).
     *
     * @param host the name clients use to reach the server, e.g. {@code "localhost"}
     */
    public static Tls selfSigned(String host) {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host: '" + host + "' (expected: a host name or IP address)");
        }
        return new Tls(host, null, null);
    }

    /**
     * This self-signed certificate, kept in {@code dir}: if {@code dir} holds
     * {@code hardlight-cert.pem} and {@code hardlight-key.pem}, they are used (whatever host they
     * were made for); otherwise a certificate is made and written there, the directory and files
     * readable by their owner only. The fingerprint thus survives restarts.
     *
     * @throws IllegalStateException if this is not a {@link #selfSigned(String)} identity
     */
    public Tls persistIn(Path dir) {
        Objects.requireNonNull(dir, "dir");
        if (selfSignedHost == null) {
            throw new IllegalStateException("persistIn applies to Tls.selfSigned(host) only; this identity comes from PEM files");
        }
        return new Tls(selfSignedHost, dir, null);
    }

    /**
     * The identity in two PEM files, read now.
     *
     * @param certChain the certificate chain, leaf first
     * @param privateKey the unencrypted private key (PKCS#8, PKCS#1 or SEC1)
     * @throws java.io.UncheckedIOException if a file cannot be read
     * @throws IllegalArgumentException if a file holds no usable certificate or key
     */
    public static Tls fromPem(Path certChain, Path privateKey) {
        Objects.requireNonNull(certChain, "certChain");
        Objects.requireNonNull(privateKey, "privateKey");
        return new Tls(null, null, Certificates.readPem(certChain, privateKey));
    }

    /**
     * The lowercase hex SHA-256 of the leaf certificate (DER), what clients pin. Makes (or loads) a
     * self-signed certificate if that has not happened yet.
     */
    public String fingerprint() {
        return material().fingerprint();
    }

    /**
     * The base64 SHA-256 of the leaf certificate's public key (its DER SubjectPublicKeyInfo): the form
     * browsers pin. For a development certificate, Chromium trusts exactly this key, and no other
     * untrusted certificate, when started with {@code --ignore-certificate-errors-spki-list=<this>}.
     * Makes (or loads) a self-signed certificate if that has not happened yet.
     */
    public String publicKeyPin() {
        return Base64.getEncoder().encodeToString(Fingerprints.sha256(material().chain().get(0).getPublicKey().getEncoded()));
    }

    /** The key and chain; made or loaded on first use. */
    KeyMaterial material() {
        KeyMaterial m = material;
        if (m == null) {
            synchronized (this) {
                m = material;
                if (m == null) {
                    m = load();
                    material = m;
                }
            }
        }
        return m;
    }

    private KeyMaterial load() {
        if (persistDir != null) {
            KeyMaterial persisted = Certificates.loadPersisted(persistDir);
            if (persisted != null) {
                log.info("Using the self-signed certificate in {}, SHA-256 fingerprint {}", persistDir, persisted.fingerprint());
                return persisted;
            }
        }
        KeyMaterial m = Certificates.selfSigned(selfSignedHost);
        if (persistDir != null) {
            Certificates.persist(m, persistDir);
        }
        log.info("Generated a self-signed certificate for {}{}, SHA-256 fingerprint {}", selfSignedHost,
                persistDir == null ? "" : " (saved in " + persistDir + ")", m.fingerprint());
        return m;
    }

    @Override
    public String toString() {
        if (selfSignedHost != null) {
            return "Tls[self-signed " + selfSignedHost + (persistDir == null ? "" : ", in " + persistDir) + "]";
        }
        return "Tls[" + material.chain().get(0).getSubjectX500Principal() + "]";
    }
}
