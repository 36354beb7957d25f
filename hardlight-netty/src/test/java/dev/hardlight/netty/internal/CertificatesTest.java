package dev.hardlight.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The self-signed development certificate and PEM files. */
@Timeout(10)
class CertificatesTest {
    private static List<String> subjectAltNames(X509Certificate cert) throws Exception {
        List<String> names = new ArrayList<>();
        for (List<?> san : cert.getSubjectAlternativeNames()) {
            names.add(san.get(0) + ":" + san.get(1)); // 2 = DNS, 7 = IP
        }
        return names;
    }

    @Test
    void localhostCertificateCoversLoopbackAddresses() throws Exception {
        KeyMaterial m = Certificates.selfSigned("localhost");
        X509Certificate cert = m.chain().get(0);
        assertThat(subjectAltNames(cert)).containsExactly("2:localhost", "7:127.0.0.1", "7:0:0:0:0:0:0:0:1");
        assertThat(cert.getPublicKey()).isInstanceOfSatisfying(ECPublicKey.class,
                k -> assertThat(k.getParams().getOrder().bitLength()).isEqualTo(256));
        assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(cert.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        Instant notAfter = cert.getNotAfter().toInstant();
        assertThat(notAfter).isBetween(Instant.now().plus(Duration.ofDays(360)), Instant.now().plus(Duration.ofDays(366)));
        cert.verify(cert.getPublicKey());
        assertThat(m.fingerprint()).hasSize(64).isEqualTo(Fingerprints.of(cert));
    }

    @Test
    void otherHostsGetTheirOwnName() throws Exception {
        assertThat(subjectAltNames(Certificates.selfSigned("api.example.test").chain().get(0)))
                .containsExactly("2:api.example.test");
        assertThat(subjectAltNames(Certificates.selfSigned("10.1.2.3").chain().get(0))).containsExactly("7:10.1.2.3");
    }

    @Test
    void readsSec1KeysToo(@TempDir Path dir) throws Exception {
        KeyMaterial m = Certificates.selfSigned("localhost");
        Certificates.persist(m, dir);
        // What "openssl ecparam -genkey -name prime256v1" writes: SEC1 with the named curve.
        java.security.interfaces.ECPrivateKey k = (java.security.interfaces.ECPrivateKey) m.key();
        byte[] der = new org.bouncycastle.asn1.sec.ECPrivateKey(256, k.getS(),
                new org.bouncycastle.asn1.x9.X962Parameters(org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1))
                .getEncoded();
        Path sec1 = Files.writeString(dir.resolve("sec1-key.pem"), "-----BEGIN EC PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(der) + "\n-----END EC PRIVATE KEY-----\n");
        assertThat(Files.readString(sec1)).startsWith("-----BEGIN EC PRIVATE KEY-----");
        KeyMaterial read = Certificates.readPem(dir.resolve(Certificates.CERT_FILE), sec1);
        assertThat(((java.security.interfaces.ECPrivateKey) read.key()).getS()).isEqualTo(k.getS());
        assertThat(read.fingerprint()).isEqualTo(m.fingerprint());
    }

    @Test
    void badFilesAreReportedByName(@TempDir Path dir) throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a pem file\n");
        assertThatThrownBy(() -> Certificates.readPem(dir.resolve("missing.pem"), garbage))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("missing.pem");
        assertThatThrownBy(() -> Certificates.readCertificates(garbage))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("garbage.pem");
        KeyMaterial m = Certificates.selfSigned("localhost");
        Certificates.persist(m, dir);
        assertThatThrownBy(() -> Certificates.readPem(dir.resolve(Certificates.CERT_FILE), garbage))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("garbage.pem");
    }

    @Test
    void halfAPersistedIdentityIsNotSilentlyReplaced(@TempDir Path dir) throws Exception {
        Certificates.persist(Certificates.selfSigned("localhost"), dir);
        Files.delete(dir.resolve(Certificates.KEY_FILE));
        assertThatThrownBy(() -> Certificates.loadPersisted(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("without " + Certificates.KEY_FILE);
    }
}
