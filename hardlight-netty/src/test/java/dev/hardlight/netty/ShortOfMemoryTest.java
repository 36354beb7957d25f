package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Case 1 of issue 20, the last resort: a server whose direct memory runs out while it buffers input
 * (here: a JVM of its own with 48 MiB of direct memory, and the partial-message budget, which would
 * refuse first, set out of the way) closes the connection it could not buffer with 1013 "try again
 * later: the server is short of memory" and one log line, not 1011 and a stack trace; and it serves
 * new clients once the memory is back.
 */
@ExtendWith(LeakDetection.class)
@Tag("slow") // a JVM of its own
@Timeout(90)
class ShortOfMemoryTest {
    @TempDir
    Path dir;

    /** The server process: a plaintext Counter server with no partial-message budget to speak of; prints "READY port". */
    public static void main(String[] args) throws Exception {
        HardLightServer server = HardLight.server(Counter.class, c -> new CounterHandler(null, null, null))
                .insecurePlaintext().bind("127.0.0.1", 0).ioThreads(1).partialMessageBudget(1L << 40).start();
        System.out.println("READY " + server.port());
        System.out.flush();
        System.in.read(); // until killed
    }

    /** The first bytes of a masked binary frame of {@code length} bytes: header, mask key, and {@code sent} payload bytes. */
    private static byte[] partialFrame(int length, int sent) {
        byte[] whole = RawPeer.frame(0x80 | RawPeer.BINARY, new byte[length], true);
        byte[] part = new byte[whole.length - length + sent];
        System.arraycopy(whole, 0, part, 0, part.length);
        return part;
    }

    @Test
    void aServerShortOfDirectMemoryClosesWith1013AndOneLine() throws Exception {
        Path log = dir.resolve("server.log");
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-XX:MaxDirectMemorySize=48m",
                "-cp", System.getProperty("java.class.path"), ShortOfMemoryTest.class.getName())
                .redirectError(ProcessBuilder.Redirect.to(log.toFile()))
                .start();
        List<RawPeer> attackers = new ArrayList<>();
        try {
            CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
                try {
                    return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
                } catch (IOException e) {
                    return null; // the process died
                }
            });
            String ready = firstLine.get(30, TimeUnit.SECONDS);
            assertThat(ready).as("the server process started").startsWith("READY ");
            int port = Integer.parseInt(ready.split(" ")[1]);

            // Up to 100 connections each holding 1 MiB less 10 bytes of a message: far more than 48 MiB.
            byte[] partial = partialFrame(1024 * 1024, 1024 * 1024 - 10);
            List<String> closes = new ArrayList<>();
            for (int i = 0; i < 100 && closes.isEmpty(); i++) {
                RawPeer p = RawPeer.open(port);
                attackers.add(p);
                try {
                    p.sendBytes(partial);
                } catch (IOException e) {
                    // closed while writing
                }
                // Has any connection been closed yet?
                for (RawPeer a : attackers) {
                    a.socket.setSoTimeout(i % 10 == 9 ? 200 : 1);
                    try {
                        closes.add(a.awaitClose());
                    } catch (java.net.SocketTimeoutException e) {
                        // still held
                    }
                }
            }
            assertThat(closes).as("some connection was closed for want of memory").isNotEmpty()
                    .allMatch(c -> c.equals("1013 try again later: the server is short of memory") || c.equals("EOF"));
            assertThat(closes).contains("1013 try again later: the server is short of memory");
            int held = attackers.size();
            for (RawPeer a : attackers) {
                a.close();
            }
            attackers.clear();

            // Once the partial messages are gone, a new client is served.
            try (CounterClient client = HardLight.connect(URI.create("ws://127.0.0.1:" + port + "/hl"),
                    ClientOptions.builder().insecurePlaintext().build(), CounterClient.FACTORY)) {
                assertThat(client.increment(5)).isEqualTo(5);
            }
            List<String> lines = Files.readAllLines(log);
            List<String> shortLines = lines.stream().filter(l -> l.contains("short of memory")).toList();
            assertThat(shortLines).as("one line per connection closed for want of memory").isNotEmpty()
                    .allMatch(l -> l.contains(" WARN ") && l.contains("[hl-conn ") && l.contains("closing with 1013"));
            assertThat(lines).as("no stack trace, no 1011").noneMatch(l -> l.startsWith("\tat ") || l.contains("1011"));
            System.out.printf("HOSTILE case 1 short of direct memory (48 MiB): %d connections opened with 1 MiB partial messages; "
                    + "%d closed 1013, %d log lines%n", held, closes.stream().filter(c -> c.startsWith("1013")).count(), shortLines.size());
        } finally {
            for (RawPeer a : attackers) {
                a.close();
            }
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
