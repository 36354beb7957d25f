package dev.hardlight.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.Topic;
import dev.hardlight.netty.HardLight;
import dev.hardlight.netty.HardLightServer;
import io.nats.client.NKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * NKey authentication and TLS to NATS, against a nats-server configured with an NKey user and a
 * certificate signed by a test CA (both made in the test: the NKey with jnats's {@code NKey}, the CA
 * and the server certificate with the JDK's keytool).
 */
@Timeout(120)
class NatsSecurityTest {
    private static final String PASS = "changeit";

    /** A test CA and a server certificate for 127.0.0.1 it signed, as nats-server and jnats want them. */
    record Pki(Path chainPem, Path keyPem, SSLContext trustingTheCa) {}

    static Pki pki(Path dir, String caName) throws Exception {
        Files.createDirectories(dir);
        Path ca = dir.resolve("ca.p12");
        Path server = dir.resolve("server.p12");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + caName,
                "-ext", "bc:c", "-validity", "2", "-storetype", "PKCS12", "-keystore", ca.toString());
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", server.toString());
        Path csr = dir.resolve("server.csr");
        keytool("-certreq", "-alias", "server", "-keystore", server.toString(), "-file", csr.toString());
        Path leaf = dir.resolve("server.pem");
        keytool("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-infile", csr.toString(), "-outfile",
                leaf.toString(), "-rfc", "-validity", "2", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-ext", "EKU=serverAuth");
        Certificate caCert = load(ca).getCertificate("ca");
        Path chain = dir.resolve("chain.pem");
        Files.writeString(chain, Files.readString(leaf) + pem("CERTIFICATE", caCert.getEncoded()));
        Path key = dir.resolve("server-key.pem");
        Files.writeString(key, pem("PRIVATE KEY", load(server).getKey("server", PASS.toCharArray()).getEncoded()));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", caCert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
        return new Pki(chain, key, ctx);
    }

    /** The PKI of this class's tests, made once (keytool is a JVM start per step). */
    private static Pki shared;

    static synchronized Pki pki() throws Exception {
        if (shared == null) {
            shared = pki(Files.createTempDirectory("hl-nats-pki"), "hardlight test CA");
        }
        return shared;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static KeyStore load(Path file) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASS.toCharArray());
        }
        return ks;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storepass", PASS, "-noprompt"));
        if (args[0].equals("-genkeypair")) {
            cmd.addAll(List.of("-keypass", PASS));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + out);
        }
    }

    static String config(Pki pki, char[] nkeyPublic) {
        return """
                tls {
                  cert_file: "%s"
                  key_file: "%s"
                  timeout: 5
                }
                authorization {
                  users = [
                    { nkey: "%s" }
                  ]
                }
                """.formatted(pki.chainPem(), pki.keyPem(), new String(nkeyPublic));
    }

    static HardLightServer node(NatsCluster cluster) {
        return HardLight.server(Room.class, RoomHandler::new).insecurePlaintext().bind("127.0.0.1", 0)
                .cluster(cluster).start();
    }

    @Test
    void nodesAuthenticatedByNKeyOverTlsCarryEvents() throws Exception {
        NatsServers.assumeInstalled();
        Pki pki = pki();
        NKey user = NKey.createUser(new SecureRandom());
        try (NatsServers nats = NatsServers.startConfigured(config(pki, user.getPublicKey()))) {
            NatsCluster c0 = NatsCluster.builder(nats.get(0).url()).prefix("hl.secure").nkeySeed(user.getSeed())
                    .tls(pki.trustingTheCa()).build();
            NatsCluster c1 = NatsCluster.builder(nats.get(0).url()).prefix("hl.secure").nkeySeed(user.getSeed())
                    .tls(pki.trustingTheCa()).build();
            try (HardLightServer n0 = node(c0); HardLightServer n1 = node(c1);
                 RoomClient on1 = ClusterEventsTest.client(n1)) {
                assertThat(c0.isConnected()).isTrue();
                assertThat(c1.isConnected()).isTrue();
                String connz = nats.get(0).monitor("/connz");
                assertThat(connz).as("the nodes' NATS connections are TLS").contains("\"tls_version\"");
                on1.join("secure");
                NatsServers.await("node 1 subscribed", Duration.ofSeconds(10),
                        () -> nats.get(0).subscribes(c1.subject(Topic.of("secure"))));
                n0.events(RoomEvent.class).emit(Topic.of("secure"), new RoomEvent.Said("secure", "n0", 1));
                assertThat(on1.events().poll(Duration.ofSeconds(10)).orElseThrow().value())
                        .isEqualTo(new RoomEvent.Said("secure", "n0", 1));
                assertThat(c0.published()).isEqualTo(1);
            }
        }
    }

    @Test
    void aWrongNKeyAnUntrustedServerOrPlaintextIsAClearErrorAtStart() throws Exception {
        NatsServers.assumeInstalled();
        Pki pki = pki();
        NKey user = NKey.createUser(new SecureRandom());
        NKey stranger = NKey.createUser(new SecureRandom());
        try (NatsServers nats = NatsServers.startConfigured(config(pki, user.getPublicKey()))) {
            String url = nats.get(0).url();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> node(NatsCluster.builder(url).nkeySeed(stranger.getSeed()).tls(pki.trustingTheCa()).build()))
                    .as("an NKey the server does not know").isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot connect to NATS at " + url)
                    .hasMessageContaining("Authorization Violation").hasMessageContaining("check the credentials");
            assertThatThrownBy(() -> node(NatsCluster.builder(url).nkeySeed(user.getSeed()).tls(SSLContext.getDefault()).build()))
                    .as("a server certificate from a CA we do not trust (the JDK's default trust)").isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot connect to NATS at " + url)
                    .hasMessageContaining("certification path");
            assertThatThrownBy(() -> node(NatsCluster.builder(url).nkeySeed(user.getSeed()).build()))
                    .as("no TLS to a server that requires it").isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot connect to NATS at " + url)
                    .hasMessageContaining("SSL required by server");
            assertThatThrownBy(() -> node(NatsCluster.builder(url).tls(pki.trustingTheCa()).build()))
                    .as("no credentials").isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot connect to NATS at " + url)
                    .hasMessageContaining("Authorization Violation");
            System.out.printf("four refused starts took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            // and the right ones still work on the same server
            try (HardLightServer ok = node(NatsCluster.builder(url).nkeySeed(user.getSeed()).tls(pki.trustingTheCa()).build())) {
                assertThat(ok.port()).isPositive();
            }
        }
    }
}
