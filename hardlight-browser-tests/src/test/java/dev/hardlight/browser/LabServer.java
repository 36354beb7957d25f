package dev.hardlight.browser;

import dev.hardlight.netty.HardLight;
import dev.hardlight.netty.HardLightServer;
import dev.hardlight.netty.ServerBuilder;
import dev.hardlight.netty.Tls;
import java.net.URI;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A {@link Lab} server over TLS on loopback that also serves the bundled test page
 * ({@code target/web}) with {@link ServerBuilder#staticFiles(Path)}. {@link #main} runs one in a JVM
 * of its own, for the test that restarts the server process.
 */
final class LabServer implements AutoCloseable {
    /** The test page and its bundle, made by {@code js/build.mjs} at process-test-classes. */
    static final Path WEB = Path.of("target/web").toAbsolutePath();

    final LabHandler.Backend backend = new LabHandler.Backend();
    final HardLightServer server;

    private LabServer(Tls tls, int port, Consumer<ServerBuilder<Lab>> customize) {
        ServerBuilder<Lab> b = HardLight.server(Lab.class, c -> new LabHandler(c, backend))
                .tls(tls)
                .bind("127.0.0.1", port)
                .staticFiles(WEB);
        customize.accept(b);
        server = b.start();
    }

    static LabServer start(Tls tls, Consumer<ServerBuilder<Lab>> customize) {
        return new LabServer(tls, 0, customize);
    }

    int port() {
        return server.port();
    }

    /** The page's origin: {@code https://localhost:PORT}. */
    String origin() {
        return "https://localhost:" + port();
    }

    URI page() {
        return URI.create(origin() + "/index.html");
    }

    String endpoint() {
        return "wss://localhost:" + port() + "/hl";
    }

    @Override
    public void close() {
        server.close();
    }

    /**
     * Runs a server in this JVM until killed: {@code LabServer PORT CERT_DIR}; prints
     * {@code READY <port> <pid>} once it listens.
     */
    public static void main(String[] args) throws InterruptedException {
        Tls tls = Tls.selfSigned("localhost").persistIn(Path.of(args[1]));
        LabServer s = new LabServer(tls, Integer.parseInt(args[0]), b -> {});
        System.out.println("READY " + s.port() + " " + ProcessHandle.current().pid());
        System.out.flush();
        Thread.currentThread().join();
    }
}
