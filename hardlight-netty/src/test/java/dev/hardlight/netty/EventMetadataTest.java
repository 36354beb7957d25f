package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.Event;
import dev.hardlight.Metadata;
import dev.hardlight.Topic;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Events that carry the metadata attached to the emitting thread (EVENT_META), over real TLS sockets. */
@ExtendWith(LeakDetection.class)
@Timeout(60)
class EventMetadataTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Event<ChatEvent> next(ChatClient client) throws InterruptedException {
        return client.events().poll(WAIT).orElseThrow(() -> new AssertionError("no event within " + WAIT));
    }

    @Test
    void anEmitCarriesTheMetadataAttachedToItsThreadToEverySubscriberAndNothingOnceTheScopeCloses() throws Exception {
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
        RpcObserver serverObserver = new RpcObserver() {
            @Override
            public void eventSent() {
                sent.incrementAndGet();
            }
        };
        RpcObserver clientObserver = new RpcObserver() {
            @Override
            public void eventReceived() {
                received.incrementAndGet();
            }
        };
        try (HardLightServer server = HardLight.server(Chat.class, ChatHandler::new).tls(TestServer.TLS).bind("127.0.0.1", 0)
                .observer(serverObserver).start()) {
            URI uri = URI.create("wss://localhost:" + server.port() + "/hl");
            try (ChatClient a = HardLight.connect(uri, ClientOptions.pinned(server.tlsFingerprint()).toBuilder().observer(clientObserver).build(), ChatClient.FACTORY);
                    ChatClient b = HardLight.connect(uri, ClientOptions.pinned(server.tlsFingerprint()), ChatClient.FACTORY)) {
                LinkedBlockingQueue<Event<ChatEvent>> heard = new LinkedBlockingQueue<>();
                a.onEvent(heard::add);
                a.join("room");
                b.join("room");
                Metadata md = Metadata.builder().put("request-id", "42").put("tag-bin", new byte[] {(byte) 0xca, (byte) 0xfe}).build();
                ChatEvent said = new ChatEvent.ServerSent("room", "with metadata");
                try (Metadata.Scope s = md.attach()) {
                    assertThat(server.events(ChatEvent.class).emit(Topic.of("room"), said)).isEqualTo(2);
                }
                assertThat(server.events(ChatEvent.class).emit(Topic.of("room"), new ChatEvent.ServerSent("room", "plain"))).isEqualTo(2);

                Event<ChatEvent> first = next(a);
                assertThat(first.value()).isEqualTo(said);
                assertThat(first.metadata()).isEqualTo(md);
                assertThat(next(b).metadata()).as("the same metadata for every subscriber").isEqualTo(md);
                Event<ChatEvent> toListener = heard.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(toListener).isNotNull();
                assertThat(toListener.metadata()).as("listeners see it too").isEqualTo(md);

                Event<ChatEvent> second = next(a);
                assertThat(second.value()).isEqualTo(new ChatEvent.ServerSent("room", "plain"));
                assertThat(second.metadata().isEmpty()).as("the scope closed: a plain EVENT").isTrue();
                assertThat(next(b).metadata().isEmpty()).isTrue();
                Await.until("the observers counted EVENT_META like EVENT", WAIT, () -> sent.get() == 4 && received.get() == 2);
            }
        }
    }
}
