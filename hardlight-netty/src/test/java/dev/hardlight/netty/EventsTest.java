package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.Event;
import dev.hardlight.EventEmitter;
import dev.hardlight.EventStream;
import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.Topic;
import dev.hardlight.TopicChange;
import dev.hardlight.netty.ChatEvent.Said;
import dev.hardlight.netty.ChatEvent.ServerSent;
import dev.hardlight.netty.internal.ClientChannel;
import dev.hardlight.netty.internal.NettyRpcChannel;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Typed events on topics over real TLS sockets: fan-out, subscriptions, the topic listener, slow consumers. */
@ExtendWith(LeakDetection.class)
@Timeout(120)
class EventsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static HardLightServer start(Consumer<ServerBuilder<Chat>> customize) {
        ServerBuilder<Chat> b = LowLatencyMode.server(HardLight.server(Chat.class, ChatHandler::new).tls(TestServer.TLS)
                .bind("127.0.0.1", 0));
        customize.accept(b);
        return b.start();
    }

    private static URI uri(HardLightServer server) {
        return URI.create("wss://localhost:" + server.port() + "/hl");
    }

    private static ChatClient connect(HardLightServer server) {
        return HardLight.connect(uri(server), LowLatencyMode.client(ClientOptions.pinned(server.tlsFingerprint())), ChatClient.FACTORY);
    }

    private static ChatClient connect(HardLightServer server, int eventQueueCapacity) {
        return HardLight.connect(uri(server), LowLatencyMode.client(ClientOptions.pinned(server.tlsFingerprint())).toBuilder()
                .eventQueueCapacity(eventQueueCapacity).build(), ChatClient.FACTORY);
    }

    private static NettyRpcChannel transport(ChatClient client) {
        return ((ClientChannel) client.channel()).link();
    }

    private static Event<ChatEvent> next(ChatClient client) throws InterruptedException {
        return client.events().poll(WAIT).orElseThrow(() -> new AssertionError("no event within " + WAIT));
    }

    /** Runs the tasks on {@code threads} threads; returns their results in order, rethrowing the first failure. */
    private static <T> List<T> inParallel(int threads, List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<T>> futures = pool.invokeAll(tasks);
            List<T> results = new ArrayList<>(futures.size());
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void closeAll(List<ChatClient> clients) throws Exception {
        List<Callable<Void>> closes = new ArrayList<>();
        for (ChatClient c : clients) {
            closes.add(() -> {
                c.close();
                return null;
            });
        }
        inParallel(16, closes);
    }

    @Test
    void oneEmitReachesAThousandConnectionsTyped() throws Exception {
        try (HardLightServer server = start(b -> {})) {
            List<Callable<ChatClient>> connects = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                connects.add(() -> {
                    ChatClient c = connect(server);
                    c.join("lobby");
                    return c;
                });
            }
            long t0 = System.nanoTime();
            List<ChatClient> clients = inParallel(16, connects);
            long connectMillis = (System.nanoTime() - t0) / 1_000_000;
            try {
                assertThat(server.connectionCount()).isEqualTo(1000);
                assertThat(server.subscriptionCount()).isEqualTo(1000);
                assertThat(server.topicCount()).isEqualTo(1);
                CountDownLatch received = new CountDownLatch(1000);
                for (ChatClient c : clients) {
                    c.onEvent(e -> received.countDown());
                }
                Said said = new Said("lobby", "hello, everyone", 1);
                EventEmitter<ChatEvent> events = server.events(ChatEvent.class);
                long e0 = System.nanoTime();
                assertThat(events.emit(Topic.of("lobby"), said)).isEqualTo(1000);
                long emitMicros = (System.nanoTime() - e0) / 1_000;
                assertThat(received.await(30, TimeUnit.SECONDS)).isTrue();
                long deliverMicros = (System.nanoTime() - e0) / 1_000;
                System.out.printf("events: 1000 clients connected+joined in %d ms; emit to 1000 returned in %d us, "
                        + "all 1000 received within %d us (paranoid leak detection on)%n", connectMillis, emitMicros, deliverMicros);
                for (ChatClient c : clients) {
                    Event<ChatEvent> e = next(c);
                    assertThat(e.topic()).isEqualTo(Topic.of("lobby"));
                    assertThat(e.value()).isEqualTo(said);
                    assertThat(e.missedBefore()).isZero();
                    assertThat(c.events().size()).isZero();
                }
                assertThat(server.droppedEvents()).isZero();
            } finally {
                closeAll(clients);
            }
        }
    }

    @Test
    void unsubscribeStopsDelivery() throws Exception {
        try (HardLightServer server = start(b -> {});
             ChatClient client = connect(server);
             ChatClient other = connect(server)) {
            client.join("a");
            other.join("a");
            assertThat(client.state().rooms()).containsExactly("a");
            assertThat(other.say("a", "one")).isEqualTo(2);
            assertThat(((Said) next(client).value()).text()).isEqualTo("one");
            client.leave("a");
            assertThat(client.state().rooms()).isEmpty();
            assertThat(server.subscriptionCount()).isEqualTo(1);
            assertThat(other.say("a", "two")).as("only 'other' is left").isEqualTo(1);
            // Events to one connection arrive in the order they were queued: had "two" been sent to
            // 'client', it would come before "sync".
            client.join("sync");
            assertThat(other.say("sync", "sync")).isEqualTo(1);
            Event<ChatEvent> e = next(client);
            assertThat(e.topic()).isEqualTo(Topic.of("sync"));
            assertThat(((Said) e.value()).text()).isEqualTo("sync");
            assertThat(client.events().size()).isZero();
            assertThat(((Said) next(other).value()).text()).isEqualTo("one");
            assertThat(((Said) next(other).value()).text()).isEqualTo("two");
        }
    }

    @Test
    void theTopicListenerMayEmitOnCreatedAndTheSubscriberGetsIt() throws Exception {
        AtomicReference<HardLightServer> ref = new AtomicReference<>();
        List<TopicChange> changes = new CopyOnWriteArrayList<>();
        CountDownLatch removed = new CountDownLatch(1);
        try (HardLightServer server = start(b -> b.topicListener(change -> {
            changes.add(change);
            if (change instanceof TopicChange.Created c) {
                ref.get().events(ChatEvent.class).emit(c.topic(), new ServerSent(c.topic().asString(), "welcome"));
            } else {
                removed.countDown();
            }
        }))) {
            ref.set(server);
            try (ChatClient client = connect(server)) {
                client.join("news");
                Event<ChatEvent> e = next(client);
                assertThat(e.topic()).isEqualTo(Topic.of("news"));
                assertThat(e.value()).isEqualTo(new ServerSent("news", "welcome"));
                client.leave("news");
                assertThat(removed.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(changes).containsExactly(new TopicChange.Created(Topic.of("news")),
                        new TopicChange.Removed(Topic.of("news")));
            }
        }
    }

    @Test
    void theServerEmitterChecksTheEventType() {
        try (HardLightServer server = start(b -> {})) {
            assertThat(server.events(ChatEvent.class)).isSameAs(server.events(ChatEvent.class));
            assertThat(server.events(ChatEvent.class).emit(Topic.of("nobody"), new Said("x", "y", 0))).isZero();
            assertThatThrownBy(() -> server.events(String.class))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(ChatEvent.class.getName())
                    .hasMessageContaining("java.lang.String");
        }
        try (TestServer counter = TestServer.start()) {
            assertThatThrownBy(() -> counter.server.events(String.class))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("declares no events");
        }
    }

    /**
     * Every room a connection joined goes when it disconnects, however it disconnects, and the topic
     * listener's story ends with the room removed: Created then Removed, or nothing at all for a room
     * that came and went while the listener was busy (the two changes cancel out).
     */
    @Test
    void disconnectsRemoveSubscriptionsAndFireRemoved() throws Exception {
        int cycles = 1000;
        Map<Topic, List<String>> seen = new ConcurrentHashMap<>();
        try (HardLightServer server = start(b -> b.topicListener(change -> {
            seen.computeIfAbsent(change.topic(), t -> new CopyOnWriteArrayList<>())
                    .add(change instanceof TopicChange.Created ? "Created" : "Removed");
        }))) {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < cycles; i++) {
                int n = i;
                tasks.add(() -> {
                    ChatClient c = connect(server);
                    c.join("room-" + n);
                    switch (n % 3) {
                        case 0 -> c.close(); // WebSocket close handshake
                        case 1 -> transport(c).closeAbruptly(false); // TCP FIN, no close frame
                        default -> transport(c).closeAbruptly(true); // TCP reset
                    }
                    return null;
                });
            }
            long t0 = System.nanoTime();
            inParallel(16, tasks);
            Await.until("every room gone, and the listener told of it", Duration.ofSeconds(30),
                    () -> server.topicCount() == 0 && seen.values().stream().allMatch(l -> l.getLast().equals("Removed")));
            System.out.printf("events: %d connect/join/disconnect cycles in %d ms, the listener told of %d rooms%n",
                    cycles, (System.nanoTime() - t0) / 1_000_000, seen.size());
            assertThat(server.subscriptionCount()).isZero();
            assertThat(server.topicCount()).isZero();
            Await.until("no connection left", Duration.ofSeconds(10), () -> server.connectionCount() == 0);
            assertThat(seen.keySet()).allSatisfy(t -> assertThat(t.asString()).startsWith("room-"));
            assertThat(seen.size()).isBetween(1, cycles);
            assertThat(seen.values()).allSatisfy(list -> assertThat(list).containsExactly("Created", "Removed"));
        }
    }

    @Test
    void emittingWhileConnectionsCloseLeaksNothing() throws Exception {
        CountDownLatch busyRemoved = new CountDownLatch(1);
        try (HardLightServer server = start(b -> b.outboundHighWaterMark(16 * 1024).topicListener(change -> {
            if (change instanceof TopicChange.Removed r && r.topic().equals(Topic.of("busy"))) {
                busyRemoved.countDown();
            }
        }))) {
            List<ChatClient> clients = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                ChatClient c = connect(server, 8);
                c.join("busy");
                clients.add(c);
            }
            EventEmitter<ChatEvent> events = server.events(ChatEvent.class);
            CountDownLatch emitting = new CountDownLatch(1);
            AtomicBoolean stop = new AtomicBoolean();
            Thread emitter = Thread.ofPlatform().name("test-emitter").start(() -> {
                int seq = 0;
                while (!stop.get()) {
                    events.emit(Topic.of("busy"), new Said("busy", BIG, seq++));
                    emitting.countDown();
                }
            });
            assertThat(emitting.await(10, TimeUnit.SECONDS)).isTrue();
            List<Callable<Void>> closes = new ArrayList<>();
            for (int i = 0; i < clients.size(); i++) {
                ChatClient c = clients.get(i);
                int n = i;
                closes.add(() -> {
                    switch (n % 3) {
                        case 0 -> c.close();
                        case 1 -> transport(c).closeAbruptly(false);
                        default -> transport(c).closeAbruptly(true);
                    }
                    return null;
                });
            }
            inParallel(8, closes); // while the emitter keeps going: frames queued, dropped, written, discarded
            assertThat(busyRemoved.await(10, TimeUnit.SECONDS)).as("the last subscriber is gone").isTrue();
            stop.set(true);
            emitter.join(10_000);
            assertThat(emitter.isAlive()).isFalse();
            assertThat(server.subscriptionCount()).isZero();
            assertThat(server.topicCount()).isZero();
            assertThat(server.connectionCount()).isZero();
            assertThat(events.emit(Topic.of("busy"), new Said("busy", "late", -1))).isZero();
        }
        // LeakDetection (after all) fails the class if a retained duplicate was not released.
    }

    @Test
    void eventsOnATopicFromOneThreadArriveInOrder() throws Exception {
        int count = 10_000;
        try (HardLightServer server = start(b -> {})) {
            List<ChatClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    ChatClient c = connect(server, count);
                    c.join("ordered");
                    clients.add(c);
                }
                EventEmitter<ChatEvent> events = server.events(ChatEvent.class);
                Topic topic = Topic.of("ordered");
                for (int i = 0; i < count; i++) {
                    assertThat(events.emit(topic, new Said("ordered", "", i))).isEqualTo(4);
                }
                for (ChatClient c : clients) {
                    for (int i = 0; i < count; i++) {
                        Event<ChatEvent> e = next(c);
                        assertThat(e.missedBefore()).isZero();
                        assertThat(((Said) e.value()).seq()).isEqualTo(i);
                    }
                    assertThat(c.events().missed()).isZero();
                }
                assertThat(server.droppedEvents()).isZero();
            } finally {
                closeAll(clients);
            }
        }
    }

    @Test
    void theClientQueueIsBounded() throws Exception {
        try (HardLightServer server = start(b -> {});
             ChatClient client = connect(server, 4)) {
            client.join("q");
            for (int i = 0; i < 10; i++) {
                client.say("q", "m" + i); // its event is queued before its result: received when say returns
            }
            EventStream<ChatEvent> events = client.events();
            assertThat(events.size()).isEqualTo(4);
            assertThat(events.missed()).isEqualTo(6);
            for (int i = 0; i < 4; i++) {
                Event<ChatEvent> e = next(client);
                assertThat(((Said) e.value()).text()).isEqualTo("m" + i);
                assertThat(e.missedBefore()).isZero();
            }
            client.say("q", "after");
            Event<ChatEvent> e = next(client);
            assertThat(((Said) e.value()).text()).isEqualTo("after");
            assertThat(e.missedBefore()).isEqualTo(6);
        }
    }

    @Test
    void clientOptionsCheckTheEventQueueCapacity() {
        assertThat(ClientOptions.builder().build().eventQueueCapacity()).isEqualTo(ClientOptions.DEFAULT_EVENT_QUEUE_CAPACITY);
        assertThatThrownBy(() -> ClientOptions.builder().eventQueueCapacity(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("eventQueueCapacity: 0 (expected: > 0)");
    }

    @Test
    void serverBuilderChecksTheHighWaterMark() {
        ServerBuilder<Chat> b = HardLight.server(Chat.class, ChatHandler::new);
        assertThatThrownBy(() -> b.outboundHighWaterMark(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("outboundHighWaterMark: -1 (expected: > 0)");
        assertThatThrownBy(() -> b.outboundHighWaterMark(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.slowConsumerPolicy(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.topicListener(null)).isInstanceOf(NullPointerException.class);
    }

    // ---- slow consumers ------------------------------------------------------------------------

    private static final int MARK = 256 * 1024;
    private static final String BIG = "x".repeat(8 * 1024);
    /** Events a fast client may be behind the emitter: far below the mark, so it never drops. */
    private static final int WINDOW = 8;

    /** Two fast clients and one that has stopped reading, all on "feed". */
    private static final class Feed implements AutoCloseable {
        final HardLightServer server;
        final ChatClient slow;
        final List<ChatClient> fast = new ArrayList<>();
        final List<Semaphore> fastReceived = new ArrayList<>();
        final EventEmitter<ChatEvent> events;
        int emitted;

        Feed(HardLightServer server) {
            this.server = server;
            this.events = server.events(ChatEvent.class);
            slow = connect(server, 1_000_000);
            slow.join("feed");
            for (int i = 0; i < 2; i++) {
                ChatClient c = connect(server, 1_000_000);
                c.join("feed");
                Semaphore s = new Semaphore(0);
                c.onEvent(e -> s.release());
                fast.add(c);
                fastReceived.add(s);
            }
            transport(slow).autoRead(false);
        }

        /** Emits one big event, keeping the fast clients within {@link #WINDOW} events of the emitter. */
        void emit() throws InterruptedException {
            events.emit(Topic.of("feed"), new Said("feed", BIG, emitted));
            emitted++;
            if (emitted > WINDOW) {
                for (Semaphore s : fastReceived) {
                    assertThat(s.tryAcquire(10, TimeUnit.SECONDS)).as("a fast client keeps up").isTrue();
                }
            }
        }

        /** Every event emitted reached every fast client, in order, none missed. */
        void assertFastClientsGotEverything() throws InterruptedException {
            for (ChatClient c : fast) {
                for (int i = 0; i < emitted; i++) {
                    Event<ChatEvent> e = next(c);
                    assertThat(e.missedBefore()).isZero();
                    assertThat(((Said) e.value()).seq()).isEqualTo(i);
                }
                assertThat(c.events().missed()).isZero();
            }
        }

        @Override
        public void close() {
            List<ChatClient> all = new ArrayList<>(fast);
            all.add(slow);
            try {
                closeAll(all);
            } catch (Exception e) {
                throw new AssertionError("closing the clients failed", e);
            } finally {
                server.close();
            }
        }
    }

    @Test
    void aSlowConsumerMissesEventsWhileOthersGetEverything() throws Exception {
        try (Feed feed = new Feed(start(b -> b.outboundHighWaterMark(MARK)))) {
            HardLightServer server = feed.server;
            long maxQueued = 0;
            while (server.droppedEvents() == 0) {
                assertThat(feed.emitted).as("the slow connection hits the mark").isLessThan(100_000);
                feed.emit();
            }
            int firstDrop = feed.emitted;
            for (int i = 0; i < 50; i++) {
                feed.emit();
                maxQueued = Math.max(maxQueued, server.transport().maxQueuedBytes());
            }
            assertThat(server.droppedEvents()).as("kept dropping while behind").isGreaterThan(1);
            assertThat(maxQueued).as("the slow connection's queued bytes stay bounded").isLessThanOrEqualTo(MARK + 64 * 1024);
            assertThat(server.connectionCount()).as("DROP_EVENTS keeps the connection").isEqualTo(3);
            System.out.printf("events: slow consumer hit the %d-byte mark after %d events of %d bytes; %d dropped; "
                    + "max queued %d bytes%n", MARK, firstDrop, BIG.length(), server.droppedEvents(), maxQueued);

            // Reading again: a call answered after everything queued so far means it has all arrived.
            transport(feed.slow).autoRead(true);
            feed.slow.leave("nowhere");
            assertThat(feed.slow.say("feed", "marker")).isEqualTo(3);
            feed.emitted++; // the marker, seq from the handler: not checked by number below
            int received = 0;
            long missedBefore = 0;
            Event<ChatEvent> e;
            do {
                e = next(feed.slow);
                received++;
                missedBefore += e.missedBefore();
            } while (!((Said) e.value()).text().equals("marker"));
            assertThat(e.missedBefore()).as("the marker tells what was missed before it").isPositive();
            assertThat(missedBefore).isEqualTo(server.droppedEvents());
            assertThat(received + feed.slow.events().missed()).isEqualTo(feed.emitted);
            for (ChatClient c : feed.fast) {
                // The marker, the last event, has a handler's sequence number: take it off first.
                List<Event<ChatEvent>> got = new ArrayList<>();
                for (int i = 0; i < feed.emitted; i++) {
                    got.add(next(c));
                }
                assertThat(((Said) got.get(got.size() - 1).value()).text()).isEqualTo("marker");
                for (int i = 0; i < got.size() - 1; i++) {
                    assertThat(got.get(i).missedBefore()).isZero();
                    assertThat(((Said) got.get(i).value()).seq()).isEqualTo(i);
                }
                assertThat(c.events().missed()).isZero();
            }
        }
    }

    @Test
    void disconnectPolicyClosesOnlyTheSlowConnection() throws Exception {
        try (Feed feed = new Feed(start(b -> b.outboundHighWaterMark(MARK).slowConsumerPolicy(SlowConsumerPolicy.DISCONNECT)))) {
            HardLightServer server = feed.server;
            while (server.droppedEvents() == 0) {
                assertThat(feed.emitted).as("the slow connection hits the mark").isLessThan(100_000);
                feed.emit();
            }
            for (int i = 0; i < 20; i++) {
                feed.emit();
            }
            transport(feed.slow).autoRead(true);
            assertThatThrownBy(() -> {
                while (true) {
                    feed.slow.events().take();
                }
            }).isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.CONNECTION_LOST));
            assertThat(feed.slow.channel().isOpen()).isFalse();
            for (ChatClient c : feed.fast) {
                assertThat(c.channel().isOpen()).isTrue();
            }
            feed.assertFastClientsGotEverything();
            assertThat(feed.fast.get(0).say("feed", "still here")).as("only the fast clients are left").isEqualTo(2);
        }
    }
}
