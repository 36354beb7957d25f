package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.Event;
import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.internal.protocol.ClientSession;
import dev.hardlight.netty.internal.ClientReplay;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recording of a real exchange over a socket (calls, state deltas, an event, an error), replayed
 * through a fresh protocol session on the test's thread ({@link ClientReplay}): the session reaches
 * what the live client reached, and remakes every call to the recorded bytes.
 */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class RecordingReplayTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /** A chat whose room "closed" refuses what is said in it. */
    private static final class GuardedChat implements Chat {
        private final Chat chat;

        GuardedChat(dev.hardlight.Connection connection) {
            this.chat = new ChatHandler(connection);
        }

        @Override
        public void join(String room) {
            chat.join(room);
        }

        @Override
        public void leave(String room) {
            chat.leave(room);
        }

        @Override
        public int say(String room, String text) {
            if (room.equals("closed")) {
                throw new RpcException(Status.PERMISSION_DENIED, "the room 'closed' is closed");
            }
            return chat.say(room, text);
        }
    }

    /** What a call came to, in words, the same for a live call and a replayed one. */
    private interface LiveCall {
        Object call() throws Exception;
    }

    private static String live(LiveCall c) {
        try {
            return "ok " + c.call();
        } catch (RpcException e) {
            return e.status() + " " + e.getMessage();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static String replayed(ClientSession.PendingCall call) {
        assertThat(call).as("every recorded call was answered in the recording").isDone();
        try {
            return "ok " + call.join();
        } catch (CompletionException e) {
            return e.getCause() instanceof RpcException r ? r.status() + " " + r.getMessage() : e.getCause().toString();
        } catch (CancellationException e) {
            return "cancelled";
        }
    }

    /** Records one client connection to a guarded chat server; returns the live outcomes. */
    private Recording recordAChat(Path file, List<String> outcomes, List<Event<ChatEvent>> events,
                                  List<Object> states) throws Exception {
        try (HardLightServer server = LowLatencyMode.server(HardLight.server(Chat.class, GuardedChat::new)
                .tls(TestServer.TLS).bind("127.0.0.1", 0)).start()) {
            ClientOptions options = LowLatencyMode.client(ClientOptions.pinned(server.tlsFingerprint())).toBuilder()
                    .record(file).build();
            try (ChatClient client = HardLight.connect(URI.create("wss://localhost:" + server.port() + "/hl"), options,
                    ChatClient.FACTORY)) {
                states.add(client.state());
                outcomes.add(live(() -> { client.join("lobby"); return null; }));
                outcomes.add(live(() -> { client.join("news"); return null; }));
                outcomes.add(live(() -> client.say("lobby", "hello")));
                events.add(client.events().poll(WAIT).orElseThrow(() -> new AssertionError("no event within " + WAIT)));
                outcomes.add(live(() -> client.say("closed", "anyone?")));
                outcomes.add(live(() -> { client.leave("news"); return null; }));
                states.add(client.state());
            }
            return RecordingTest.awaitComplete(file);
        }
    }

    @Test
    void aRecordedExchangeReplayedThroughAFreshClientSessionEndsAsItDidLive() throws Exception {
        List<String> outcomes = new ArrayList<>();
        List<Event<ChatEvent>> events = new ArrayList<>();
        List<Object> states = new ArrayList<>();
        Recording recording = recordAChat(dir.resolve("chat.hlrec"), outcomes, events, states);
        assertThat(outcomes).containsExactly("ok null", "ok null", "ok 1",
                "PERMISSION_DENIED the room 'closed' is closed", "ok null");
        assertThat(states).containsExactly(new Chat.State(List.of()), new Chat.State(List.of("lobby")));

        ClientReplay replay = ClientReplay.replay(ChatSchema.DESCRIPTOR, recording.decode());

        assertThat(replay.violation()).isNull();
        assertThat(replay.calls()).extracting(RecordingReplayTest::replayed).containsExactlyElementsOf(outcomes);
        assertThat(replay.session().state()).isEqualTo(states.get(1));
        assertThat(replay.events()).extracting(Event::topic, Event::value)
                .containsExactly(org.assertj.core.api.Assertions.tuple(events.get(0).topic(), events.get(0).value()));
        assertThat(replay.session().inFlight()).isZero();
        assertThat(replay.framesReplayed()).as("HELLO, then 5 calls and their answers, 3 state deltas, 1 event")
                .isEqualTo(1 + 10 + 3 + 1);
    }

    @Test
    void aRecordingWithAFrameLeftOutDoesNotReplay() throws Exception {
        Recording recording = recordAChat(dir.resolve("chat.hlrec"), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<Recording.Frame> frames = new ArrayList<>(recording.decode());
        Recording.Frame firstCall = frames.stream().filter(f -> f.type().equals("CALL")).findFirst().orElseThrow();
        frames.remove(firstCall);

        ClientReplay replay = ClientReplay.replay(ChatSchema.DESCRIPTOR, frames);

        assertThat(replay.violation()).as("the answer to the call left out has no call to answer").isNotNull()
                .hasMessageContaining("not in flight");
    }
}
