package dev.hardlight.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.Event;
import dev.hardlight.EventEmitter;
import dev.hardlight.Topic;
import dev.hardlight.TopicChange;
import dev.hardlight.codec.Codec;
import dev.hardlight.codec.Codecs;
import dev.hardlight.codec.WireReader;
import dev.hardlight.codec.WireWriter;
import dev.hardlight.service.EventDescriptor;
import dev.hardlight.service.ServiceDescriptor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Events through the sans-I/O core: subscriptions, encode-once fan-out, notifier, slow consumers, client queue. */
class EventsTest {
    private final AtomicInteger encodes = new AtomicInteger();
    private final Codec<String> countingCodec = new Codec<>() {
        @Override
        public void encode(String value, WireWriter out) {
            encodes.incrementAndGet();
            out.writeString(value);
        }

        @Override
        public String decode(WireReader in) {
            return in.readString();
        }
    };
    private final List<TopicChange> changes = new CopyOnWriteArrayList<>();
    private final TopicRegistry<String> registry =
            new TopicRegistry<>(countingCodec, UnpooledByteBufAllocator.DEFAULT, changes::add, Runnable::run);
    private final ServiceDescriptor<Calc> service = new ServiceDescriptor<>(Calc.class, "Calc", Calc.sha256("ev"), "ev",
            Calc.DESCRIPTOR.methods(), Calc.DISPATCHER, null, new EventDescriptor<>(String.class, countingCodec, 0xE7L));

    /** Keeps frames as buffers (no copy) so a test can see they share memory; can refuse events like a full queue. */
    static final class CapturingOutbound implements Outbound {
        final List<ByteBuf> frames = new ArrayList<>();
        boolean full;

        @Override
        public ByteBufAllocator alloc() {
            return UnpooledByteBufAllocator.DEFAULT;
        }

        @Override
        public synchronized void send(ByteBuf frame) {
            frames.add(frame);
        }

        @Override
        public synchronized boolean offerEvent(ByteBuf frame) {
            if (full) {
                frame.release();
                return false;
            }
            frames.add(frame);
            return true;
        }

        @Override
        public void close(int code, String reason) {}

        synchronized List<Frame> decoded() {
            List<Frame> out = new ArrayList<>();
            for (ByteBuf b : frames) {
                out.add(Frame.decode(b.duplicate()));
            }
            return out;
        }

        synchronized void releaseAll() {
            frames.forEach(ByteBuf::release);
            frames.clear();
        }
    }

    private ServerSession<Calc> open(CapturingOutbound out, Topic... topics) {
        ServerSession<Calc> s = ServerSession.open(service, conn -> {
            for (Topic t : topics) {
                conn.subscriptions().add(t);
            }
            return new SessionTestHandler();
        }, registry, 1, null, out, Runnable::run, 8, 1 << 20, "");
        s.start();
        return s;
    }

    @Test
    void oneEmitIsEncodedOnceAndEveryRecipientSharesTheSameBytes() {
        Topic topic = Topic.of("room");
        List<CapturingOutbound> outs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            CapturingOutbound out = new CapturingOutbound();
            open(out, topic);
            outs.add(out);
        }
        assertThat(registry.emit(topic, "hello")).isEqualTo(1000);
        assertThat(encodes).as("encoded once for 1000 recipients").hasValue(1);
        ByteBuf first = outs.get(0).frames.get(1); // [0] is the HELLO
        int last = first.writerIndex() - 1;
        first.setByte(last, 'O'); // write through one recipient's frame...
        for (CapturingOutbound out : outs) {
            ByteBuf frame = out.frames.get(1);
            // ...and every other recipient sees it: one buffer, shared, no per-recipient copy.
            assertThat(Frame.decode(frame.duplicate())).isEqualTo(new Frame.EventFrame(topic, new byte[] {0x05, 'h', 'e', 'l', 'l', 'O'}));
        }
        outs.forEach(CapturingOutbound::releaseAll);
    }

    @Test
    void noEventPrecedesTheHelloAndEmitsWithoutSubscribersEncodeNothing() {
        Topic topic = Topic.of("t");
        assertThat(registry.emit(topic, "nobody")).isZero();
        assertThat(encodes).hasValue(0);
        CapturingOutbound out = new CapturingOutbound();
        ServerSession<Calc> s = ServerSession.open(service, conn -> {
            conn.subscriptions().add(topic);
            assertThat(registry.emit(topic, "too early")).as("not subscribed before the hello").isZero();
            return new SessionTestHandler();
        }, registry, 1, null, out, Runnable::run, 8, 1 << 20, "");
        s.start();
        registry.emit(topic, "after");
        List<Frame> frames = out.decoded();
        assertThat(frames.get(0)).isInstanceOf(Frame.HelloFrame.class);
        assertThat(((Frame.HelloFrame) frames.get(0)).hello().extensions())
                .contains(new Hello.Extension(3, new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) 0xE7}));
        assertThat(frames).hasSize(2);
        out.releaseAll();
    }

    @Test
    void topicNotifierSeesCreatedAndRemovedIncludingOnDisconnect() {
        Topic a = Topic.of("a");
        CapturingOutbound o1 = new CapturingOutbound();
        CapturingOutbound o2 = new CapturingOutbound();
        ServerSession<Calc> s1 = open(o1, a);
        ServerSession<Calc> s2 = open(o2, a);
        assertThat(changes).containsExactly(new TopicChange.Created(a));
        assertThat(s2.connection().subscriptions().remove(a)).isTrue();
        assertThat(changes).hasSize(1);
        s1.onClosed(); // the last subscriber disconnects
        assertThat(changes).containsExactly(new TopicChange.Created(a), new TopicChange.Removed(a));
        assertThat(s1.connection().subscriptions().add(Topic.of("late"))).as("a closed connection subscribes nothing").isFalse();
        assertThat(registry.topicCount()).isZero();
        assertThat(registry.subscriptionCount()).isZero();
        o1.releaseAll();
        o2.releaseAll();
    }

    @Test
    void thousandConnectSubscribeDisconnectCyclesLeaveNothingBehind() {
        for (int i = 0; i < 1000; i++) {
            CapturingOutbound out = new CapturingOutbound();
            ServerSession<Calc> s = open(out, Topic.of("shared"), Topic.of("own-" + i));
            registry.emit(Topic.of("shared"), "x");
            s.onClosed();
            out.releaseAll();
        }
        assertThat(registry.topicCount()).isZero();
        assertThat(registry.subscriptionCount()).isZero();
        assertThat(changes).hasSize(4000);
        assertThat(changes.stream().filter(c -> c instanceof TopicChange.Removed)).hasSize(2000);
    }

    @Test
    void eventsOnOneTopicArriveInEmitOrder() {
        Topic topic = Topic.of("ordered");
        CapturingOutbound out = new CapturingOutbound();
        open(out, topic);
        for (int i = 0; i < 1000; i++) {
            registry.emit(topic, Integer.toString(i));
        }
        List<Frame> frames = out.decoded();
        for (int i = 0; i < 1000; i++) {
            byte[] payload = ((Frame.EventFrame) frames.get(i + 1)).payload();
            assertThat(Codecs.STRING.decode(new dev.hardlight.internal.codec.ByteBufWireReader(Unpooled.wrappedBuffer(payload))))
                    .isEqualTo(Integer.toString(i));
        }
        out.releaseAll();
    }

    @Test
    void slowConsumerMissesEventsAndIsToldHowMany() {
        Topic topic = Topic.of("busy");
        CapturingOutbound slow = new CapturingOutbound();
        CapturingOutbound fast = new CapturingOutbound();
        ServerSession<Calc> s = open(slow, topic);
        open(fast, topic);
        slow.full = true;
        for (int i = 0; i < 5; i++) {
            registry.emit(topic, "e" + i);
        }
        assertThat(s.missedEvents()).isEqualTo(5);
        slow.full = false;
        registry.emit(topic, "e5");
        assertThat(slow.decoded()).containsExactly(
                ((Frame) slow.decoded().get(0)),
                new Frame.EventsMissed(5),
                new Frame.EventFrame(topic, new byte[] {0x02, 'e', '5'}));
        assertThat(fast.decoded()).as("others unaffected").hasSize(7);
        slow.releaseAll();
        fast.releaseAll();
    }

    @Test
    void clientDeliversTypedEventsThroughABoundedQueueAndCountsWhatItDrops() throws Exception {
        SessionPair<Calc> pair = subscribedPair(new ClientEventQueue(4), 1);
        ClientSession client = pair.client;
        List<Event<Object>> heard = new ArrayList<>();
        client.addEventListener(heard::add);
        for (int i = 0; i < 10; i++) {
            registry.emit(Topic.of("t"), "v" + i);
            assertThat(pair.toClientOne()).isTrue();
        }
        client.onMessage(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("0a03"))); // the server dropped 3 more
        assertThat(heard).hasSize(10);
        assertThat(client.events().size()).isEqualTo(4);
        assertThat(client.events().missed()).isEqualTo(9);
        for (int i = 0; i < 4; i++) {
            assertThat(client.events().take()).isEqualTo(new Event<>(Topic.of("t"), "v" + i, 0));
        }
        registry.emit(Topic.of("t"), "after");
        assertThat(pair.toClientOne()).isTrue();
        assertThat(client.events().poll(Duration.ZERO)).contains(new Event<>(Topic.of("t"), "after", 9));
        assertThat(client.events().poll(Duration.ZERO)).isEmpty();
    }

    @Test
    void aSharedQueueOutlivesItsSessionAndMarksTheFirstEventAfterAReconnect() throws Exception {
        ClientEventQueue shared = new ClientEventQueue(16);
        for (int connection = 0; connection < 2; connection++) {
            if (connection == 1) {
                shared.reconnected(); // before the new connection's hello
            }
            SessionPair<Calc> pair = subscribedPair(shared, 1 + connection);
            assertThat(pair.client.events()).isSameAs(shared);
            for (int i = 0; i < 2; i++) {
                registry.emit(Topic.of("t"), "c" + connection + "e" + i);
                assertThat(pair.toClientOne()).isTrue();
            }
            pair.client.onClosed(new dev.hardlight.RpcException(dev.hardlight.Status.CONNECTION_LOST, "lost"));
            pair.server.onClosed();
        }
        assertThat(shared.take()).isEqualTo(new Event<>(Topic.of("t"), "c0e0", 0));
        assertThat(shared.take()).isEqualTo(new Event<>(Topic.of("t"), "c0e1", 0));
        assertThat(shared.take()).isEqualTo(new Event<>(Topic.of("t"), "c1e0", 0, true));
        assertThat(shared.take()).isEqualTo(new Event<>(Topic.of("t"), "c1e1", 0, false));
        assertThat(shared.poll(Duration.ZERO)).isEmpty(); // not closed by either session
        shared.close(new dev.hardlight.RpcException(dev.hardlight.Status.CONNECTION_LOST, "closed"));
        org.assertj.core.api.Assertions.assertThatThrownBy(shared::take).isInstanceOf(dev.hardlight.RpcException.class)
                .hasMessage("closed");
    }

    /** A pair whose server subscribed the connection to topic "t"; its client's events go to {@code events}. */
    private SessionPair<Calc> subscribedPair(ClientEventQueue events, long connectionId) {
        return SessionPair.withServer(service, p -> ServerSession.open(service, conn -> {
            conn.subscriptions().add(Topic.of("t"));
            return new SessionTestHandler();
        }, registry, connectionId, null, p.toClient, Runnable::run, 8, 1 << 20, ""), events);
    }

    @Test
    void emitterIsReachableFromTheConnectionWithItsType() {
        CapturingOutbound out = new CapturingOutbound();
        ServerSession<Calc> s = open(out);
        EventEmitter<String> e = s.connection().events(String.class);
        assertThat(e).isSameAs(registry);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.connection().events(Integer.class))
                .isInstanceOf(IllegalStateException.class);
        out.releaseAll();
    }

    /** A handler that is never called in these tests. */
    static final class SessionTestHandler implements Calc {
        @Override public int add(int a, int b) { return a + b; }
        @Override public void check(String s) {}
        @Override public String echo(String s) { return s; }
        @Override public int await() { return 0; }
    }
}
