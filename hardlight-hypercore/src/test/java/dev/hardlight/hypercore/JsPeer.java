package dev.hardlight.hypercore;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Node.js process running one of the scripts in {@code src/test/js} on the pinned npm packages. Its stdout is
 * one JSON object per line. {@link #close()} stops it by PID. The packages are installed with {@code npm ci}
 * the first time (when {@code node_modules} is missing); without npm the test fails with one sentence.
 */
final class JsPeer implements AutoCloseable {
    static final Path DIR = Path.of("src", "test", "js").toAbsolutePath();
    private static boolean installed;

    private final Process process;
    private final BlockingQueue<Map<String, Object>> lines = new LinkedBlockingQueue<>();
    private final StringBuffer stderr = new StringBuffer();
    private final List<Map<String, Object>> seen = new ArrayList<>();

    static synchronized void install() throws IOException, InterruptedException {
        if (installed || Files.isDirectory(DIR.resolve("node_modules/hypercore"))) {
            installed = true;
            return;
        }
        Process p;
        try {
            p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(DIR.toFile()).redirectErrorStream(true)
                    .redirectOutput(new File(DIR.toFile(), "npm-ci.log")).start();
        } catch (IOException e) {
            throw new AssertionError("npm is not installed: the interop tests need Node.js and npm to install the pinned JS packages in " + DIR, e);
        }
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("npm ci in " + DIR + " did not finish within 5 minutes");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("npm ci in " + DIR + " failed (exit " + p.exitValue() + "): " + Files.readString(DIR.resolve("npm-ci.log")));
        }
        installed = true;
    }

    static JsPeer start(String... args) throws IOException, InterruptedException {
        return startWithEnv(Map.of(), args);
    }

    static JsPeer startWithEnv(Map<String, String> env, String... args) throws IOException, InterruptedException {
        install();
        List<String> cmd = new ArrayList<>(List.of("node"));
        cmd.addAll(List.of(args));
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(DIR.toFile());
            pb.environment().putAll(env);
            p = pb.start();
        } catch (IOException e) {
            throw new AssertionError("node is not installed: the interop tests need Node.js to run the JS peers", e);
        }
        return new JsPeer(p);
    }

    @SuppressWarnings("unchecked")
    private JsPeer(Process p) {
        this.process = p;
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("{")) {
                        lines.add((Map<String, Object>) Json.parse(line));
                    } else {
                        stderr.append("stdout: ").append(line).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
        });
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    stderr.append(line).append('\n');
                }
            } catch (IOException ignored) {
                // process ended
            }
        });
    }

    long pid() {
        return process.pid();
    }

    /** The next line whose "event" is {@code event} (earlier other lines are kept in {@link #seen()}). */
    Map<String, Object> await(String event) throws InterruptedException {
        return awaitLong(event, 20);
    }

    /** {@link #await} with a longer limit, in seconds. */
    Map<String, Object> awaitLong(String event, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            Map<String, Object> m = lines.poll(100, TimeUnit.MILLISECONDS);
            if (m == null) {
                continue;
            }
            seen.add(m);
            if (event.equals(m.get("event"))) {
                return m;
            }
            if ("error".equals(m.get("event")) && !"error".equals(event)) {
                throw new AssertionError("the JS peer failed: " + m + "\n" + stderr);
            }
        }
        throw new AssertionError("the JS peer printed no '" + event + "' within " + seconds + " s; saw " + seen + "; stderr:\n" + stderr);
    }

    List<Map<String, Object>> seen() {
        return seen;
    }

    String stderr() {
        return stderr.toString();
    }

    /** Stops the process by its PID and waits for it. */
    @Override
    public void close() throws InterruptedException {
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroy);
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
