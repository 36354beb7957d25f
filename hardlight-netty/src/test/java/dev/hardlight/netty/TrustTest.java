package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Certificates: pinning, trust modes, persistence; TLS required unless plaintext is explicit. */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class TrustTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void pinAcceptsColonsAndUpperCase() {
        String fp = server.server.tlsFingerprint();
        assertThat(fp).hasSize(64).isEqualTo(TestServer.TLS.fingerprint());
        StringBuilder colons = new StringBuilder();
        for (int i = 0; i < fp.length(); i += 2) {
            colons.append(i == 0 ? "" : ":").append(fp, i, i + 2);
        }
        try (CounterClient c = HardLight.connect(server.uri(),
                ClientOptions.pinned(colons.toString().toUpperCase(Locale.ROOT)), CounterClient.FACTORY)) {
            assertThat(c.increment(0)).isNotNegative();
        }
    }

    @Test
    void pinMismatchRefusesToConnect() {
        String wrong = "00".repeat(32);
        assertThatThrownBy(() -> HardLight.connect(server.uri(), ClientOptions.pinned(wrong), CounterClient.FACTORY))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNAVAILABLE))
                .hasMessageContaining("does not match the pinned fingerprint " + wrong)
                .hasMessageContaining(server.server.tlsFingerprint());
    }

    @Test
    void malformedPinIsRefusedAtOnce() {
        assertThatThrownBy(() -> ClientOptions.pinned("abc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64 hex digits");
    }

    @Test
    void insecureTrustAllConnects() {
        try (CounterClient c = HardLight.connect(server.uri(), ClientOptions.insecureTrustAll(), CounterClient.FACTORY)) {
            assertThat(c.increment(0)).isNotNegative();
        }
    }

    @Test
    void systemTrustRefusesASelfSignedCertificate() {
        assertThatThrownBy(() -> HardLight.connect(server.uri(), ClientOptions.systemTrust(), CounterClient.FACTORY))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNAVAILABLE))
                .hasMessageContaining("TLS handshake with localhost:" + server.server.port() + " failed")
                .hasMessageContaining("Pin the SHA-256 fingerprint the server logged at start");
    }

    @Test
    void customTrustWithHostNameVerification(@TempDir Path dir) throws Exception {
        Tls tls = Tls.selfSigned("localhost").persistIn(dir);
        try (HardLightServer s = HardLight.server(CounterSchema.DESCRIPTOR, c -> new CounterHandler(null, null, null))
                .tls(tls).bind(0).start()) {
            Path ca = dir.resolve("hardlight-cert.pem");
            try (CounterClient c = HardLight.connect(URI.create("wss://localhost:" + s.port() + "/hl"), ClientOptions.trust(ca), CounterClient.FACTORY)) {
                assertThat(c.increment(3)).isEqualTo(3);
            }
            // Same certificate, but the name does not match: 127.0.0.2 is not in its SANs.
            assertThatThrownBy(() -> HardLight.connect(URI.create("wss://127.0.0.2:" + s.port() + "/hl"),
                    ClientOptions.trust(ca), CounterClient.FACTORY))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNAVAILABLE))
                    .hasMessageContaining("TLS handshake with 127.0.0.2:" + s.port() + " failed");
        }
    }

    @Test
    void persistedCertificateKeepsItsFingerprint(@TempDir Path dir) throws Exception {
        Path certs = dir.resolve("certs");
        String first;
        try (HardLightServer s = HardLight.server(CounterSchema.DESCRIPTOR, c -> new CounterHandler(null, null, null))
                .tls(Tls.selfSigned("localhost").persistIn(certs)).bind("127.0.0.1", 0).start()) {
            first = s.tlsFingerprint();
        }
        assertThat(certs.resolve("hardlight-key.pem")).exists();
        if (Files.getFileStore(certs).supportsFileAttributeView("posix")) {
            assertThat(Files.getPosixFilePermissions(certs.resolve("hardlight-key.pem")))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        }
        try (HardLightServer s = HardLight.server(CounterSchema.DESCRIPTOR, c -> new CounterHandler(null, null, null))
                .tls(Tls.selfSigned("localhost").persistIn(certs)).bind("127.0.0.1", 0).start();
             CounterClient c = HardLight.connect(URI.create("wss://localhost:" + s.port() + "/hl"), ClientOptions.pinned(first), CounterClient.FACTORY)) {
            assertThat(s.tlsFingerprint()).isEqualTo(first);
            assertThat(c.increment(1)).isEqualTo(1);
        }
        assertThat(Tls.selfSigned("localhost").fingerprint()).isNotEqualTo(first);
        assertThat(Tls.fromPem(certs.resolve("hardlight-cert.pem"), certs.resolve("hardlight-key.pem")).fingerprint())
                .isEqualTo(first);
    }

    @Test
    void tlsIsRequiredUnlessPlaintextIsExplicit() {
        assertThatThrownBy(() -> HardLight.server(CounterSchema.DESCRIPTOR, c -> new CounterHandler(null, null, null)).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no TLS configured");
        assertThatThrownBy(() -> HardLight.connect(URI.create("ws://localhost:1/hl"), ClientOptions.systemTrust(),
                CounterSchema.DESCRIPTOR))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("insecurePlaintext");
    }

    @Test
    void plaintextWhenBothSidesSaySo() {
        try (HardLightServer s = HardLight.server(CounterSchema.DESCRIPTOR, c -> new CounterHandler(null, null, null))
                .insecurePlaintext().bind("127.0.0.1", 0).start();
             CounterClient c = HardLight.connect(URI.create("ws://127.0.0.1:" + s.port() + "/hl"),
                     ClientOptions.builder().insecurePlaintext().build(), CounterClient.FACTORY)) {
            assertThat(s.tlsFingerprint()).isNull();
            assertThat(c.increment(4)).isEqualTo(4);
        }
    }

    @Test
    void schemeMismatchesSayWhatIsWrong() {
        try (HardLightServer plain = HardLight.server(CounterSchema.DESCRIPTOR, c -> new CounterHandler(null, null, null))
                .insecurePlaintext().bind("127.0.0.1", 0).start()) {
            assertThatThrownBy(() -> HardLight.connect(URI.create("wss://127.0.0.1:" + plain.port() + "/hl"),
                    ClientOptions.insecureTrustAll(), CounterClient.FACTORY))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNAVAILABLE))
                    .hasMessageContaining("does not answer in TLS");
        }
        assertThatThrownBy(() -> HardLight.connect(URI.create("ws://localhost:" + server.server.port() + "/hl"),
                ClientOptions.builder().insecurePlaintext().build(), CounterClient.FACTORY))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNAVAILABLE))
                .hasMessageContaining("use wss://");
    }

    @Test
    void refusedConnectionIsUnavailable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        URI uri = URI.create("wss://127.0.0.1:" + port + "/hl");
        assertThatThrownBy(() -> HardLight.connect(uri, ClientOptions.insecureTrustAll(), CounterClient.FACTORY))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNAVAILABLE))
                .hasMessageContaining("cannot connect to 127.0.0.1:" + port);
    }

    @Test
    void silentServerTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            URI uri = URI.create("wss://127.0.0.1:" + silent.getLocalPort() + "/hl");
            ClientOptions o = ClientOptions.insecureTrustAll().toBuilder().connectTimeout(Duration.ofMillis(300)).build();
            assertThatThrownBy(() -> HardLight.connect(uri, o, CounterClient.FACTORY))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNAVAILABLE))
                    .hasMessageContaining("TLS handshake");
        }
    }
}
