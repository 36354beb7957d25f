package dev.hardlight.netty;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link LedgerServer} in a JVM of its own, so a test can kill it as a crash would (SIGKILL). */
final class LedgerProcess implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final int port;
    final String fingerprint;

    private LedgerProcess(String id, int port, Path certDir) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(LedgerServer.class.getName());
        cmd.add(id);
        cmd.add(Integer.toString(port));
        cmd.add(certDir.toString());
        process = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.appendTo(new File("target/ledger-server.log")))
                .start();
        Thread.ofPlatform().daemon().name("ledger-" + id + "-stdout").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (Exception e) {
                // the process died: nothing more to read
            }
        });
        String[] ready = expect("READY ").split(" ");
        this.port = Integer.parseInt(ready[1]);
        this.fingerprint = ready[2];
    }

    /** Starts a server with this id on {@code port} (0: any), its certificate persisted in {@code certDir}. */
    static LedgerProcess start(String id, int port, Path certDir) throws Exception {
        return new LedgerProcess(id, port, certDir);
    }

    /** Waits (up to 30 s) for the next output line, which must start with {@code prefix}. */
    String expect(String prefix) throws InterruptedException {
        String line = lines.poll(30, TimeUnit.SECONDS);
        if (line == null || !line.startsWith(prefix)) {
            throw new AssertionError("expected a line starting with '" + prefix + "' from the server process, got: " + line
                    + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + "; see target/ledger-server.log)"));
        }
        return line;
    }

    /** Kills the process at once (SIGKILL): no close frame, no FIN from a graceful shutdown. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
