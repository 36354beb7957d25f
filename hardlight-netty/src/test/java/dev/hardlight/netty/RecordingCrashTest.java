package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that records its connections is killed (SIGKILL) while a connection is open: its
 * recording has no END record, and reads all the same, up to the last read or write, marked cut short.
 */
@ExtendWith(LeakDetection.class)
@Tag("slow") // a JVM of its own
@Timeout(60)
class RecordingCrashTest {
    @TempDir
    Path dir;

    /** The server process: a Counter server over TLS recording to {@code args[0]}; prints "READY port fingerprint". */
    public static void main(String[] args) throws Exception {
        HardLightServer server = HardLight.server(Counter.class, c -> new CounterHandler(null, null, null))
                .tls(Tls.selfSigned("localhost")).bind("127.0.0.1", 0).record(Path.of(args[0])).start();
        System.out.println("READY " + server.port() + " " + server.tlsFingerprint());
        System.out.flush();
        System.in.read(); // until killed
    }

    @Test
    void theRecordingOfAKilledServerReadsUpToItsLastWrite() throws Exception {
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                RecordingCrashTest.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.appendTo(new File("target/recording-crash-server.log")))
                .start();
        try {
            CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
                try {
                    return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
                } catch (IOException e) {
                    return null; // the process died
                }
            });
            String ready = firstLine.get(30, TimeUnit.SECONDS);
            assertThat(ready).as("the server process started (see target/recording-crash-server.log)").startsWith("READY ");
            String[] parts = ready.split(" ");
            java.net.URI uri = java.net.URI.create("wss://localhost:" + parts[1] + "/hl");
            try (CounterClient client = HardLight.connect(uri, ClientOptions.pinned(parts[2]), CounterClient.FACTORY)) {
                assertThat(client.increment(7)).isEqualTo(7);
                Path file = Await.onlyFileIn(dir);
                // A recording in progress reads too: wait until the server's writer has flushed the RESULT.
                AtomicReference<Recording> live = new AtomicReference<>();
                Await.until("the RESULT in the live recording", Duration.ofSeconds(10), () -> {
                    try {
                        live.set(Recording.read(file));
                        return live.get().decode().stream().anyMatch(f -> f.type().equals("RESULT"));
                    } catch (IOException e) {
                        return false;
                    }
                });
                assertThat(live.get().isCutShort()).as("still being written").isTrue();

                process.destroyForcibly(); // SIGKILL: no END record is ever written
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

                Recording r = Recording.read(file);
                assertThat(r.isCutShort()).isTrue();
                assertThat(r.isTruncated()).isFalse();
                assertThat(r.side()).isEqualTo(Recording.Side.SERVER);
                assertThat(r.decode()).extracting(Recording.Frame::type).containsExactly("HTTP", "HTTP", "HELLO", "CALL", "RESULT");
                assertThat(r.decode().get(3).summary()).isEqualTo("increment(0e)"); // ZigZag 7
                List<String> lines = RecordingTest.printed(r).lines().toList();
                assertThat(lines.get(0)).contains(", cut short");
                assertThat(lines.get(lines.size() - 1)).matches("# cut short: the file ends after \\d+ records .*");
            }
        } finally {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

}
