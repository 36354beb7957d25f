package dev.hardlight.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.netty.Tls;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A browser client survives its server's process being killed and a new one started on the same
 * port (with the same persisted certificate): it reconnects by itself and its idempotent calls go on.
 */
@Timeout(240)
class ServerRestartTest {
    @TempDir
    Path certs;

    @Test
    void clientReconnectsAfterTheServerProcessRestarts() throws Exception {
        String pin = Tls.selfSigned("localhost").persistIn(certs).publicKeyPin(); // made and saved before the servers start
        LabProcess first = LabProcess.start(0, certs);
        int port = first.port;
        try (Chromium chromium = Chromium.launch("ServerRestartTest", pin)) {
            LabProcess second = null;
            try {
                chromium.open("main", URI.create("https://localhost:" + port + "/index.html"));
                String url = "wss://localhost:" + port + "/hl";
                Map<String, Object> before = chromium.runForMap("main", "keep", Map.of("url", url, "name", "k"), Duration.ofSeconds(30));
                assertThat(before).containsEntry("pid", Long.toString(first.pid)).containsEntry("counter", 1.0);
                first.kill();
                second = LabProcess.start(port, certs);
                Map<String, Object> after = chromium.runForMap("main", "callKept", Map.of("name", "k"), Duration.ofSeconds(60));
                assertThat(after).containsEntry("pid", Long.toString(second.pid));
                // A new server process: the connection state starts afresh.
                assertThat(after).containsEntry("counter", 1.0);
                @SuppressWarnings("unchecked")
                List<String> events = (List<String>) after.get("events");
                assertThat(events).startsWith("connecting", "connected:false").contains("disconnected").endsWith("connected:true");
                assertThat(chromium.run("main", "closeKept", Map.of("name", "k"), Duration.ofSeconds(30))).isNotNull();
                assertThat(chromium.quit()).isZero();
            } finally {
                if (second != null) {
                    second.close();
                }
            }
        } finally {
            first.close();
        }
    }
}
