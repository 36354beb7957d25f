package dev.hardlight.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.examples.chat.ChatServer;
import dev.hardlight.netty.HardLightServer;
import dev.hardlight.netty.Tls;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat example (examples/chat) as its users see it: its page, served by the chat server itself,
 * in three Chromium tabs driven through the page's own form fields and buttons. Screenshots of the
 * two talking pages are kept in {@code target/chat/} as test artifacts.
 */
@Timeout(180)
class ChatExampleTest {
    /** The page the example's build bundled (its process-classes phase). */
    static final Path WEB = Path.of("../examples/chat/target/web").toAbsolutePath().normalize();

    @TempDir
    Path certs;

    private static void login(Chromium chromium, String page, String name) {
        chromium.fill(page, "#name", name);
        chromium.click(page, "#login");
        chromium.waitForText(page, "#me", "signed in as " + name);
    }

    private static void join(Chromium chromium, String page, String room) {
        chromium.fill(page, "#room", room);
        chromium.click(page, "#join");
    }

    private static void say(Chromium chromium, String page, String text) {
        chromium.fill(page, "#text", text);
        chromium.click(page, "#send");
    }

    @Test
    void twoPagesSeeEachOthersMessagesAndAThirdFindsTheRoomFull() throws Exception {
        assertThat(WEB.resolve("index.html")).as("the chat example's bundled page").exists();
        Tls tls = Tls.selfSigned("localhost").persistIn(certs);
        try (HardLightServer server = ChatServer.start(tls, "127.0.0.1", 0, WEB, 2);
                Chromium chromium = Chromium.launch("ChatExampleTest", tls.publicKeyPin())) {
            URI page = URI.create("https://localhost:" + server.port() + "/");
            chromium.open("alice", page);
            chromium.open("bob", page);
            chromium.open("carol", page);

            login(chromium, "alice", "alice");
            join(chromium, "alice", "lobby");
            chromium.waitForText("alice", "#rooms", "lobby");
            login(chromium, "bob", "bob");
            join(chromium, "bob", "lobby");
            chromium.waitForText("alice", "#messages", "bob joined lobby");
            assertThat(chromium.waitForText("alice", "#members", "bob")).contains("alice");
            assertThat(chromium.waitForText("bob", "#members", "alice")).contains("bob");

            say(chromium, "bob", "hi alice, this is bob");
            chromium.waitForText("alice", "#messages", "bobhi alice, this is bob");
            say(chromium, "alice", "hello bob!");
            chromium.waitForText("bob", "#messages", "alicehello bob!");
            chromium.waitForText("alice", "#messages", "alicehello bob!"); // the sender receives its own message too

            // The room takes two: the third member gets the typed error, in the server's words.
            login(chromium, "carol", "carol");
            join(chromium, "carol", "lobby");
            chromium.waitForText("carol", "#status", "room lobby is full (2 members)");
            // A feature gate: before signing in, the chat is hidden and join is refused locally; an invalid name is refused.
            chromium.fill("carol", "#room", "x y");
            chromium.click("carol", "#join");
            chromium.waitForText("carol", "#status", "room 'x y' is not 1 to 24 letters");

            Path shots = Files.createDirectories(Path.of("target/chat"));
            chromium.screenshot("alice", shots.resolve("alice.png"));
            chromium.screenshot("bob", shots.resolve("bob.png"));
            assertThat(Files.size(shots.resolve("alice.png"))).isGreaterThan(1000);

            // Bob closes his tab: the chat server's close hook (Connection.onClose) removes him from
            // his rooms, so Alice sees him leave and his place in the full room is free again.
            chromium.closePage("bob");
            chromium.waitForText("alice", "#messages", "bob left lobby");
            assertThat(chromium.waitForText("alice", "#members", "alice")).doesNotContain("bob");
            join(chromium, "carol", "lobby");
            chromium.waitForText("alice", "#messages", "carol joined lobby");
            assertThat(chromium.waitForText("carol", "#members", "carol")).contains("alice").doesNotContain("bob");
            assertThat(chromium.quit()).isZero();
        }
    }

    @Test
    void pagesSignInAndJoinAgainAfterTheServerRestarts() throws Exception {
        assertThat(WEB.resolve("index.html")).as("the chat example's bundled page").exists();
        Tls tls = Tls.selfSigned("localhost").persistIn(certs);
        HardLightServer first = ChatServer.start(tls, "127.0.0.1", 0, WEB, 20);
        int port = first.port();
        try (Chromium chromium = Chromium.launch("ChatExampleTest-restart", tls.publicKeyPin())) {
            URI page = URI.create("https://localhost:" + port + "/");
            chromium.open("alice", page);
            chromium.open("bob", page);
            login(chromium, "alice", "alice");
            join(chromium, "alice", "lobby");
            login(chromium, "bob", "bob");
            join(chromium, "bob", "lobby");
            chromium.waitForText("alice", "#messages", "bob joined lobby");
            first.close();
            // A new server on the same port knows neither of them: each page's client reconnects by
            // itself, and the page signs in and joins its rooms again.
            try (HardLightServer second = ChatServer.start(tls, "127.0.0.1", port, WEB, 20)) {
                chromium.waitForText("alice", "#status", "connected again: signed in as alice, back in lobby");
                chromium.waitForText("bob", "#status", "connected again: signed in as bob, back in lobby");
                assertThat(chromium.waitForText("alice", "#me", "signed in as")).isEqualTo("signed in as alice");
                say(chromium, "bob", "still here after the restart");
                chromium.waitForText("alice", "#messages", "bobstill here after the restart");
                assertThat(chromium.waitForText("bob", "#members", "alice")).contains("bob");
                assertThat(chromium.quit()).isZero();
            }
        } finally {
            first.close(); // idempotent
        }
    }
}
