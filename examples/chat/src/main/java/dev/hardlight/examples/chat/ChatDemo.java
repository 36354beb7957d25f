package dev.hardlight.examples.chat;

import dev.hardlight.netty.HardLightServer;
import dev.hardlight.netty.Tls;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code ./hardlight demo chat [port]}: the browser chat. Starts the server on localhost (port 8443
 * by default) with a self-signed certificate kept in {@code hardlight-demo-certs/} (so the browser
 * flag below stays valid across runs), serving the page bundled at build time, and prints the URL to
 * open and how to make Chromium trust the certificate. Runs until interrupted (Ctrl-C).
 */
public final class ChatDemo {
    private ChatDemo() {}

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8443;
        Path web = Path.of(args.length > 1 ? args[1] : "examples/chat/target/web");
        if (!Files.isRegularFile(web.resolve("index.html"))) {
            System.err.println("no bundled page in " + web.toAbsolutePath() + ": build the example first (./hardlight demo chat does)");
            System.exit(1);
        }
        Tls tls = Tls.selfSigned("localhost").persistIn(Path.of("hardlight-demo-certs"));
        HardLightServer server = ChatServer.start(tls, "127.0.0.1", port, web, ChatServer.DEFAULT_ROOM_CAPACITY);
        String url = "https://localhost:" + server.port() + "/";
        System.out.println();
        System.out.println("HardLight chat: open " + url + " in two browser windows, sign in with two names, join a room.");
        System.out.println();
        System.out.println("The certificate is self-signed (SHA-256 " + server.tlsFingerprint() + ").");
        System.out.println("Chromium trusts exactly this one, and no other bad certificate, when started with its key's pin:");
        System.out.println();
        System.out.println("  chromium --user-data-dir=/tmp/hardlight-chat-profile --ignore-certificate-errors-spki-list="
                + tls.publicKeyPin() + " " + url);
        System.out.println();
        System.out.println("(other browsers: accept the certificate warning once for " + url + ")");
        System.out.println("Ctrl-C stops the server.");
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Thread.currentThread().join();
    }
}
