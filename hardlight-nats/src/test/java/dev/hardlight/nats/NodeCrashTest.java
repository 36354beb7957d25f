package dev.hardlight.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.Topic;
import dev.hardlight.netty.HardLight;
import dev.hardlight.netty.HardLightServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node in its own process is killed with SIGKILL: NATS drops its connection and with it the node's
 * interest (its subscriptions) within a bound, and the surviving node goes on delivering locally.
 */
@Timeout(120)
class NodeCrashTest {
    @Test
    void aKilledNodesInterestIsGoneWithinTheBound() throws Exception {
        NatsServers.assumeInstalled();
        try (NatsServers nats = NatsServers.start(1)) {
            String prefix = "hl.crash";
            Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                    "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    NodeMain.class.getName(), nats.get(0).url(), prefix)
                    .redirectError(ProcessBuilder.Redirect.appendTo(new File("target/node-crash-child.log"))).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                String line = out.readLine();
                assertThat(line).as("the child node's port line").startsWith("PORT ");
                int childPort = Integer.parseInt(line.substring(5).trim());
                NatsCluster survivorCluster = NatsCluster.builder(nats.get(0).url()).prefix(prefix).build();
                try (HardLightServer survivor = HardLight.server(Room.class, RoomHandler::new).insecurePlaintext()
                             .bind("127.0.0.1", 0).cluster(survivorCluster).start();
                     RoomClient onChild = HardLight.connect(java.net.URI.create("ws://127.0.0.1:" + childPort + "/hl"),
                             dev.hardlight.netty.ClientOptions.builder().insecurePlaintext().build(), RoomClient.FACTORY);
                     RoomClient onSurvivor = ClusterEventsTest.client(survivor)) {
                    onChild.join("crash");
                    onSurvivor.join("crash");
                    String subject = survivorCluster.subject(Topic.of("crash"));
                    NatsServers.await("both nodes subscribed", Duration.ofSeconds(10),
                            () -> count(nats.get(0).monitor("/connz?subs=1&limit=1024"), subject) == 2);
                    // cross-node delivery works before the crash
                    survivor.events(RoomEvent.class).emit(Topic.of("crash"), new RoomEvent.Said("crash", "s", 1));
                    assertThat(onChild.events().poll(Duration.ofSeconds(10))).isPresent();
                    assertThat(onSurvivor.events().poll(Duration.ofSeconds(10))).isPresent();

                    long killed = System.nanoTime();
                    child.destroyForcibly(); // SIGKILL
                    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
                    NatsServers.await("the killed node's subscription gone", Duration.ofSeconds(5),
                            () -> count(nats.get(0).monitor("/connz?subs=1&limit=1024"), subject) == 1);
                    System.out.printf("killed node's interest gone from NATS after %d ms%n",
                            (System.nanoTime() - killed) / 1_000_000);

                    assertThat(survivor.events(RoomEvent.class).emit(Topic.of("crash"), new RoomEvent.Said("crash", "s", 2)))
                            .isEqualTo(1);
                    assertThat(onSurvivor.events().poll(Duration.ofSeconds(10))).isPresent();
                    assertThat(survivorCluster.publishDropped()).isZero();
                }
            } finally {
                child.destroyForcibly();
                child.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static int count(String text, String needle) {
        String quoted = "\"" + needle + "\"";
        int n = 0;
        for (int i = text.indexOf(quoted); i >= 0; i = text.indexOf(quoted, i + 1)) {
            n++;
        }
        return n;
    }
}
