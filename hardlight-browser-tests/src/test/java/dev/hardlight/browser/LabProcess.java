package dev.hardlight.browser;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link LabServer} in a JVM of its own, so that a test can kill the server process and start another. */
final class LabProcess implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final int port;
    final long pid;

    private LabProcess(int port, Path certDir) throws Exception {
        Files.createDirectories(Path.of("target"));
        process = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                LabServer.class.getName(), Integer.toString(port), certDir.toString()))
                .redirectError(ProcessBuilder.Redirect.appendTo(new File("target/lab-server-process.log")))
                .start();
        Thread.ofPlatform().daemon().name("lab-process-stdout").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (Exception e) {
                // the process died: nothing more to read
            }
        });
        String line = lines.poll(60, TimeUnit.SECONDS);
        if (line == null || !line.startsWith("READY ")) {
            process.destroyForcibly();
            throw new AssertionError("the server process did not start: " + line + "; see target/lab-server-process.log");
        }
        String[] ready = line.split(" ");
        this.port = Integer.parseInt(ready[1]);
        this.pid = Long.parseLong(ready[2]);
    }

    /** Starts a server process on {@code port} (0: any), its certificate kept in {@code certDir}. */
    static LabProcess start(int port, Path certDir) throws Exception {
        return new LabProcess(port, certDir);
    }

    /** Kills the process at once (SIGKILL), as a crash would. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
