package dev.hardlight.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.ClusterBus;
import dev.hardlight.Topic;
import dev.hardlight.TopicChange;
import dev.hardlight.TopicListener;
import dev.hardlight.codec.Codecs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The registry in cluster mode, against a recording bus: one publish per emit, remote frames shared. */
@Timeout(30)
class ClusterBusRegistryTest {
    /** Records what the registry gives it. */
    static final class RecordingBus implements ClusterBus {
        final List<byte[]> published = new ArrayList<>();
        final List<TopicChange> local = new ArrayList<>();
        Node node;
        TopicListener application;

        @Override
        public TopicListener start(Node node, TopicListener application) {
            this.node = node;
            this.application = application;
            return change -> {
                local.add(change);
                if (application != null) {
                    application.topicChanged(change);
                }
            };
        }

        @Override
        public void publish(Topic topic, ByteBuffer frame) {
            byte[] b = new byte[frame.remaining()];
            frame.duplicate().get(b);
            published.add(b);
        }

        @Override
        public void close() {}
    }

    /** A sink keeping the bytes and the buffers it got (released at once). */
    static final class Sink implements TopicRegistry.EventSink {
        final List<byte[]> frames = new ArrayList<>();
        final List<ByteBuf> buffers = new ArrayList<>();

        @Override
        public void deliverEvent(ByteBuf frame) {
            frames.add(ByteBufUtil.getBytes(frame));
            buffers.add(frame.unwrap() != null ? frame.unwrap() : frame);
            frame.release();
        }
    }

    private final RecordingBus bus = new RecordingBus();
    private final List<TopicChange> told = new ArrayList<>();
    private final TopicRegistry<String> registry = new TopicRegistry<>(Codecs.STRING, UnpooledByteBufAllocator.DEFAULT,
            told::add, Runnable::run, bus, "svc", 42);

    @Test
    void everyEmitIsPublishedOnceAndDeliveredLocallyFromTheSameBytes() {
        assertThat(bus.node.service()).isEqualTo("svc");
        assertThat(bus.node.eventContract()).isEqualTo(42);
        Topic t = Topic.of("room");
        assertThat(registry.emit(t, "nobody here")).isZero();
        assertThat(bus.published).hasSize(1); // other nodes may have subscribers
        Sink a = new Sink();
        Sink b = new Sink();
        registry.subscribe(t, a);
        registry.subscribe(t, b);
        assertThat(registry.emit(t, "hello")).isEqualTo(2);
        assertThat(bus.published).hasSize(2);
        assertThat(a.frames.getFirst()).isEqualTo(bus.published.get(1)).isEqualTo(b.frames.getFirst());
        assertThat(bus.local).containsExactly(new TopicChange.Created(t));
        assertThat(told).as("the application hears what the bus passes on").containsExactly(new TopicChange.Created(t));
        assertThat(bus.node.hasSubscribers(t)).isTrue();
        registry.unsubscribe(t, a);
        registry.unsubscribe(t, b);
        assertThat(bus.local).containsExactly(new TopicChange.Created(t), new TopicChange.Removed(t));
        assertThat(bus.node.hasSubscribers(t)).isFalse();
    }

    @Test
    void aRemoteFrameIsDeliveredFromOneSharedBufferToTheLocalSubscribers() {
        byte[] long1024 = new byte[Topic.MAX_LENGTH];
        Arrays.fill(long1024, (byte) 0xff);
        for (Topic t : List.of(Topic.of("r"), Topic.EMPTY, Topic.of(long1024))) {
            TopicRegistry<String> sender = new TopicRegistry<>(Codecs.STRING, UnpooledByteBufAllocator.DEFAULT, null,
                    Runnable::run, new RecordingBus(), "svc", 42);
            RecordingBus senderBus = (RecordingBus) sender.bus();
            sender.emit(t, "from afar");
            byte[] frame = senderBus.published.getFirst();
            byte[] padded = new byte[frame.length + 8];
            System.arraycopy(frame, 0, padded, 8, frame.length);

            Sink a = new Sink();
            Sink b = new Sink();
            registry.subscribe(t, a);
            registry.subscribe(t, b);
            assertThat(bus.node.deliver(padded, 8, frame.length)).isEqualTo(2);
            assertThat(a.frames.getFirst()).isEqualTo(frame).isEqualTo(b.frames.getFirst());
            assertThat(a.buffers.getFirst()).as("one buffer shared").isSameAs(b.buffers.getFirst());
            assertThat(bus.node.deliver(frame, 0, frame.length)).isEqualTo(2);
            registry.unsubscribe(t, a);
            registry.unsubscribe(t, b);
            assertThat(bus.node.deliver(frame, 0, frame.length)).as("no local subscriber").isZero();
        }
    }

    @Test
    void bytesThatAreNotAnEventFrameAreRefused() {
        assertThat(bus.node.deliver(new byte[0], 0, 0)).isEqualTo(-1);
        assertThat(bus.node.deliver(new byte[] {FrameType.CALL, 0}, 0, 2)).isEqualTo(-1);
        assertThat(bus.node.deliver(new byte[] {FrameType.EVENT, 5, 'a'}, 0, 3)).as("topic cut").isEqualTo(-1);
        assertThat(bus.node.deliver(new byte[] {FrameType.EVENT, (byte) 0x81, (byte) 0x08, 0}, 0, 4))
                .as("topic longer than 1024").isEqualTo(-1);
        assertThat(bus.node.deliver(new byte[] {FrameType.EVENT, (byte) 0x80, (byte) 0x80, (byte) 0x80, 1}, 0, 5))
                .as("varint too long").isEqualTo(-1);
        assertThat(bus.node.deliver(new byte[] {FrameType.EVENT, (byte) 0x80}, 0, 2)).as("varint cut").isEqualTo(-1);
    }

    @Test
    void withoutABusNothingIsPublished() {
        TopicRegistry<String> single = new TopicRegistry<>(Codecs.STRING, UnpooledByteBufAllocator.DEFAULT, null, Runnable::run);
        assertThat(single.bus()).isNull();
        assertThat(single.emit(Topic.of("x"), "y")).isZero();
    }
}
