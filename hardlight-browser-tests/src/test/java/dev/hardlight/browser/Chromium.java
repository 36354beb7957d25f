package dev.hardlight.browser;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Headless Debian Chromium driven by playwright-core through {@code js/driver.mjs} (a Node child
 * process): one JSON request per line on its stdin, one JSON answer per line on its stdout. The
 * browser trusts the test servers' self-signed certificates by their public-key pins only
 * ({@code --ignore-certificate-errors-spki-list}). Its stderr (the driver's and the pages' console)
 * goes to {@code target/browser-logs/<name>.log}.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
final class Chromium implements AutoCloseable {
    /** What a page's test function threw (its message), or a driver failure. */
    static final class PageError extends AssertionError {
        PageError(String message) {
            super(message);
        }
    }

    private static final Duration START = Duration.ofSeconds(60);
    private final Process process;
    private final OutputStream in;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final Path log;
    private int nextId;

    private Chromium(String name, List<String> pins) throws IOException {
        Path logs = Files.createDirectories(Path.of("target/browser-logs"));
        log = logs.resolve(name + ".log");
        process = new ProcessBuilder("node", "js/driver.mjs", String.join(",", pins))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .directory(new File(".").getAbsoluteFile())
                .start();
        in = process.getOutputStream();
        Thread.ofPlatform().daemon().name("chromium-" + name + "-stdout").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    answers.add(line);
                }
            } catch (IOException e) {
                // the process is gone: the next request times out with its log's name
            }
        });
    }

    /** Starts the driver and the browser, trusting the keys with these pins (base64 SPKI SHA-256). */
    static Chromium launch(String name, String... pins) throws IOException {
        if (!Files.isExecutable(Path.of("/usr/bin/chromium"))) {
            throw new IllegalStateException("/usr/bin/chromium is missing: install Debian's chromium (.ci/run does)");
        }
        return new Chromium(name, List.of(pins));
    }

    /** The driver's process: the browser's processes are its descendants. */
    ProcessHandle process() {
        return process.toHandle();
    }

    /** Opens a tab on {@code url} and waits until its test functions are registered. */
    void open(String page, URI url) {
        open(page, url, false);
    }

    /**
     * Opens a tab as {@link #open} does, in a second Chromium the driver starts for it and drives
     * without Playwright ({@code js/bare.mjs}): no DevTools domain is enabled but Runtime, so the page's
     * WebSocket messages cost what they cost a user's browser. For benchmarks; such a tab takes
     * {@link #run} only.
     */
    void openBare(String page, URI url) {
        open(page, url, true);
    }

    private void open(String page, URI url, boolean bare) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("op", "open");
        r.put("page", page);
        r.put("url", url.toString());
        if (bare) {
            r.put("bare", true);
        }
        request(r, START);
    }

    /** Runs {@code window.hardlight.tests[fn](arg)} in the tab and returns what it resolved to. */
    Object run(String page, String fn, Object arg, Duration timeout) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("op", "run");
        r.put("page", page);
        r.put("fn", fn);
        r.put("arg", arg);
        r.put("timeout", timeout.toMillis());
        return request(r, timeout.plusSeconds(10));
    }

    /** {@link #run} for a function that resolves to an object. */
    @SuppressWarnings("unchecked")
    Map<String, Object> runForMap(String page, String fn, Object arg, Duration timeout) {
        return (Map<String, Object>) run(page, fn, arg, timeout);
    }

    /**
     * Runs {@code fn} as {@link #run} does, under Chromium's CPU profiler; writes the profile (DevTools'
     * format) to {@code path}. Returns {@code value} (fn's result), {@code samples} and {@code top}: the
     * functions with the most self time, each with its {@code percent} of the samples.
     */
    Object profile(String page, String fn, Object arg, Path path, Duration timeout) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("op", "profile");
        r.put("page", page);
        r.put("fn", fn);
        r.put("arg", arg);
        r.put("path", path.toAbsolutePath().toString());
        r.put("timeout", timeout.toMillis());
        return request(r, timeout.plusSeconds(20));
    }

    void screenshot(String page, Path path) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("op", "screenshot");
        r.put("page", page);
        r.put("path", path.toAbsolutePath().toString());
        request(r, Duration.ofSeconds(30));
    }

    /** Types {@code value} into the element {@code selector} names. */
    void fill(String page, String selector, String value) {
        request(op("fill", page, "selector", selector, "value", value), Duration.ofSeconds(30));
    }

    void click(String page, String selector) {
        request(op("click", page, "selector", selector), Duration.ofSeconds(30));
    }

    /** Waits (up to 15 s) until the element's text contains {@code text}; returns its whole text. */
    String waitForText(String page, String selector, String text) {
        Map<String, Object> r = op("waitForText", page, "selector", selector, "text", text);
        r.put("timeout", 15000);
        return (String) request(r, Duration.ofSeconds(30));
    }

    private static Map<String, Object> op(String op, String page, String... keyValues) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("op", op);
        r.put("page", page);
        for (int i = 0; i < keyValues.length; i += 2) {
            r.put(keyValues[i], keyValues[i + 1]);
        }
        return r;
    }

    void closePage(String page) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("op", "close");
        r.put("page", page);
        request(r, Duration.ofSeconds(30));
    }

    @SuppressWarnings("unchecked")
    private Object request(Map<String, Object> request, Duration timeout) {
        int id = ++nextId;
        request.put("id", id);
        try {
            in.write((Json.write(request) + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                String line = answers.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new PageError("no answer from the browser driver within " + timeout.toSeconds() + " s to "
                            + Json.write(request) + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")")
                            + "; see " + log);
                }
                Map<String, Object> answer = (Map<String, Object>) Json.parse(line);
                Object answerId = answer.get("id");
                if (!(answerId instanceof Double d) || d.intValue() != id) {
                    continue; // the late answer of a request that timed out
                }
                if (Boolean.TRUE.equals(answer.get("ok"))) {
                    return answer.get("value");
                }
                throw new PageError(request.get("op") + " " + request.getOrDefault("fn", request.get("url")) + ": "
                        + answer.get("error"));
            }
        } catch (IOException e) {
            throw new PageError("the browser driver is gone (" + e + "); see " + log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PageError("interrupted");
        }
    }

    /**
     * Asks the driver to close the browser and exit, waits up to 30 s, and returns its exit code;
     * kills it (and its browser) if it does not exit by then.
     */
    int quit() throws InterruptedException {
        try {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("op", "quit");
            request(r, Duration.ofSeconds(30));
            if (process.waitFor(30, TimeUnit.SECONDS)) {
                return process.exitValue();
            }
            return -1;
        } finally {
            close();
        }
    }

    /** Kills the driver and every process it started (the browser), if still running. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
