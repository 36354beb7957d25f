package dev.hardlight.nats;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real nats-server processes on free loopback ports, clustered by routes, stopped by PID. Tests call
 * {@link #assumeInstalled()} first: without nats-server the test fails with how to get it.
 */
final class NatsServers implements AutoCloseable {
    static final Path BINARY = findBinary();

    /** One server: client, monitoring and route ports. */
    final class Server {
        final int port = freePort();
        final int monitor = freePort();
        final int route = freePort();
        final String name;
        /** A configuration file's text for {@code -c} (flags given here override it), or {@code null}. */
        String config;
        Process process;

        Server(String name) {
            this.name = name;
        }

        String url() {
            return "nats://127.0.0.1:" + port;
        }

        void start() throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "-a", "127.0.0.1", "-p", "" + port,
                    "-m", "" + monitor, "-n", name, "--cluster_name", "hltest", "--cluster", "nats://127.0.0.1:" + route));
            if (config != null) {
                Path file = Files.createTempFile("nats-" + name, ".conf");
                Files.writeString(file, config);
                cmd.add("-c");
                cmd.add(file.toString());
            }
            List<String> routes = new ArrayList<>();
            for (Server other : servers) {
                if (other != this) {
                    routes.add("nats://127.0.0.1:" + other.route);
                }
            }
            if (!routes.isEmpty()) {
                cmd.add("--routes");
                cmd.add(String.join(",", routes));
            }
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(Files.createTempFile("nats-" + name, ".log").toFile()).start();
            waitForPort(port, process);
            waitForPort(monitor, process);
        }

        /** Stops with SIGKILL (by PID), waits for the exit. */
        void kill() throws InterruptedException {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }

        /** The monitoring endpoint's answer at {@code path} (e.g. {@code /connz?subs=1}). */
        String monitor(String path) throws IOException, InterruptedException {
            try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + monitor + path))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            }
        }

        /** Whether a client connection of this server subscribes to {@code subject} now. */
        boolean subscribes(String subject) throws IOException, InterruptedException {
            return monitor("/connz?subs=1&limit=1024").contains("\"" + subject + "\"");
        }
    }

    final List<Server> servers = new ArrayList<>();

    /** {@code n} servers, routed to each other, started. */
    static NatsServers start(int n) throws IOException, InterruptedException {
        NatsServers s = new NatsServers();
        try {
            for (int i = 0; i < n; i++) {
                s.servers.add(s.new Server("n" + i));
            }
            for (Server server : s.servers) {
                server.start();
            }
            return s;
        } catch (IOException | RuntimeException | InterruptedException e) {
            s.close();
            throw e;
        }
    }

    /** One server started with the configuration file {@code config} (authorization, tls, ...). */
    static NatsServers startConfigured(String config) throws IOException, InterruptedException {
        NatsServers s = new NatsServers();
        Server server = s.new Server("c0");
        server.config = config;
        s.servers.add(server);
        try {
            server.start();
            return s;
        } catch (IOException | RuntimeException | InterruptedException e) {
            s.close();
            throw e;
        }
    }

    Server get(int i) {
        return servers.get(i);
    }

    @Override
    public void close() throws InterruptedException {
        for (Server s : servers) {
            s.kill();
        }
    }

    private static Path findBinary() {
        for (String dir : (System.getenv("PATH") + ":/usr/bin:/usr/sbin:/usr/local/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "nats-server");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    static void assumeInstalled() {
        if (BINARY == null) {
            throw new AssertionError("nats-server is not installed: apt-get install -y nats-server "
                    + "(or https://github.com/nats-io/nats-server/releases); .ci/run installs it");
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void waitForPort(int port, Process p) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("nats-server exited with " + p.exitValue());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        p.destroyForcibly();
        throw new IOException("nats-server did not listen on " + port + " within 10 s");
    }

    /** Waits until {@code condition} holds, at most {@code timeout}; fails with {@code what} otherwise. */
    static void await(String what, Duration timeout, Check condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    @FunctionalInterface
    interface Check {
        boolean holds() throws Exception;
    }
}
