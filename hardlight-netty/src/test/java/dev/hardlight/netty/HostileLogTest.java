package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Case 7 of issue 20: logging under attack. Protocol violations are logged at WARN at most 100 times
 * per 10 s per server; the rest go to DEBUG, and the first WARN after the window says how many were
 * held back. Every line names its connection. Refused upgrades are counted.
 */
@ExtendWith(LeakDetection.class)
@Timeout(60)
class HostileLogTest {
    private static void violate(HardLightServer server) throws Exception {
        try (RawPeer p = RawPeer.open(server.port())) {
            p.send(true, RawPeer.TEXT, "hi".getBytes(StandardCharsets.UTF_8));
            assertThat(p.awaitClose()).startsWith("1003 ");
        }
    }

    private static List<String> violationWarnings(LogCapture logs) {
        return logs.lines().stream().filter(l -> l.contains(" WARN ") && l.contains("protocol violation")).toList();
    }

    @Test
    void repeatedViolationWarningsAreRateLimitedWithASummary() throws Exception {
        try (LogCapture logs = new LogCapture();
             HardLightServer server = HardLight.server(Counter.class, c -> new CounterHandler(null, null, null))
                     .insecurePlaintext().bind("127.0.0.1", 0).start();
             CounterClient bystander = HardLight.connect(URI.create("ws://127.0.0.1:" + server.port() + "/hl"),
                     ClientOptions.builder().insecurePlaintext().build(), CounterClient.FACTORY)) {
            HostileLoad.Baseline base = HostileLoad.Baseline.of(server);
            try (HostileLoad.Watch watch = new HostileLoad.Watch(bystander)) {
                for (int i = 0; i < 150; i++) {
                    violate(server);
                }
                Await.until("100 warnings logged", Duration.ofSeconds(5), () -> violationWarnings(logs).size() >= 100);
                assertThat(violationWarnings(logs)).as("at most 100 WARN lines in 10 s").hasSize(100);
                assertThat(violationWarnings(logs)).allMatch(l -> l.contains("[hl-conn "));
                Await.until("the summary line", Duration.ofSeconds(20), () -> {
                    try {
                        violate(server);
                        Thread.sleep(500);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                    return violationWarnings(logs).stream().anyMatch(l -> l.matches(".*\\(and \\d+ more in the last 10 s, logged at DEBUG\\).*"));
                });
                watch.check("case 7 violation log flood", Duration.ofSeconds(2), violationWarnings(logs).size() + " WARN lines");
            }
            base.awaitReturn(32L << 20);
        }
    }

    @Test
    void refusedUpgradesAreCounted() throws Exception {
        try (HardLightServer server = HardLight.server(Counter.class, c -> new CounterHandler(null, null, null))
                .insecurePlaintext().bind("127.0.0.1", 0).start()) {
            for (int i = 0; i < 3; i++) {
                try (RawPeer p = RawPeer.upgrade(null, server.port(), "Origin: https://evil.example\r\n")) {
                    assertThat(p.status).isEqualTo(403);
                }
            }
            assertThat(server.refusedUpgrades()).isEqualTo(3);
            assertThat(server.idleTimeouts()).isZero();
        }
    }
}
