package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Replays a committed recording of a Chat client session over TLS (HELLO with state, features and
 * events; calls with state deltas and an event; the close handshake) and checks the decoded frames
 * against the committed listing. The recording's bytes never change, so this pins how today's
 * decoders read yesterday's wire format.
 *
 * <p>To regenerate both files after an intended change of the wire format or of the listing, run
 * {@code ./mvnw -pl hardlight-netty -am verify -Dtest=RecordingRegressionTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dhardlight.regenerateRecordings=true} and review the diff of {@code src/test/resources/recordings/}.
 */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class RecordingRegressionTest {
    /** In the source tree (the tests run in the module's directory): regenerating rewrites the committed files. */
    private static final Path DIR = Path.of("src", "test", "resources", "recordings");
    private static final Path RECORDING = DIR.resolve("chat-client-v1.hlrec");
    private static final Path LISTING = DIR.resolve("chat-client-v1.txt");

    /** The committed file, from the test class path (wherever the test runs), or from the source tree once regenerated. */
    static Path committed(String name) throws Exception {
        if (Boolean.getBoolean("hardlight.regenerateRecordings")) {
            return DIR.resolve(name);
        }
        java.net.URL url = RecordingRegressionTest.class.getResource("/recordings/" + name);
        assertThat(url).as("recordings/" + name + " on the test class path").isNotNull();
        return Path.of(url.toURI());
    }

    @Test
    void replayingTheCommittedRecordingGivesTheCommittedFrames() throws Exception {
        if (Boolean.getBoolean("hardlight.regenerateRecordings")) {
            regenerate();
        }
        Recording r = Recording.read(committed(RECORDING.getFileName().toString()));
        assertThat(r.side()).isEqualTo(Recording.Side.CLIENT);
        assertThat(r.service()).isEqualTo("Chat");
        assertThat(r.isTruncated()).isFalse();
        List<Recording.Frame> frames = r.decode();
        assertThat(frames).extracting(Recording.Frame::sender, Recording.Frame::type, Recording.Frame::callId).containsExactly(
                tuple(Recording.Side.CLIENT, "HTTP", -1),
                tuple(Recording.Side.SERVER, "HTTP", -1),
                tuple(Recording.Side.SERVER, "HELLO", -1),
                tuple(Recording.Side.CLIENT, "CALL", 0), // join("lobby")
                tuple(Recording.Side.SERVER, "STATE_DELTA", -1),
                tuple(Recording.Side.SERVER, "RESULT", 0),
                tuple(Recording.Side.CLIENT, "CALL", 0), // say("lobby", "hello")
                tuple(Recording.Side.SERVER, "EVENT", -1),
                tuple(Recording.Side.SERVER, "RESULT", 0),
                tuple(Recording.Side.CLIENT, "CALL", 0), // leave("lobby")
                tuple(Recording.Side.SERVER, "STATE_DELTA", -1),
                tuple(Recording.Side.SERVER, "RESULT", 0),
                tuple(Recording.Side.CLIENT, "WS_CLOSE", -1),
                tuple(Recording.Side.SERVER, "WS_CLOSE", -1));
        // Every field of every frame, and the times, as committed.
        assertThat(RecordingTest.printed(r)).isEqualTo(Files.readString(committed(LISTING.getFileName().toString()), StandardCharsets.UTF_8));
    }

    /** Records a fresh session and rewrites the committed recording and listing. */
    private static void regenerate() throws Exception {
        Files.createDirectories(DIR);
        try (HardLightServer server = HardLight.server(Chat.class, ChatHandler::new).tls(TestServer.TLS)
                .bind("127.0.0.1", 0).start()) {
            ClientOptions options = ClientOptions.pinned(server.tlsFingerprint()).toBuilder().record(RECORDING).build();
            try (ChatClient c = HardLight.connect(java.net.URI.create("wss://localhost:" + server.port() + "/hl"), options, ChatClient.FACTORY)) {
                c.join("lobby");
                assertThat(c.say("lobby", "hello")).isEqualTo(1);
                assertThat(c.events().take().value()).isEqualTo(new ChatEvent.Said("lobby", "hello", 1));
                c.leave("lobby");
            }
        }
        Files.writeString(LISTING, RecordingTest.printed(RecordingTest.awaitComplete(RECORDING)), StandardCharsets.UTF_8);
    }
}
