package dev.hardlight.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.Topic;
import dev.hardlight.TopicChange;
import dev.hardlight.codec.Codecs;
import dev.hardlight.internal.codec.ByteBufWireReader;
import dev.hardlight.internal.protocol.TopicRegistry.EventSink;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The registry's subscribers through subscribe, unsubscribe and emit, on both sides of the size at
 * which a topic changes form (an array up to {@link TopicRegistry#SMALL_MAX} subscribers, a set above,
 * an array again at {@link TopicRegistry#SMALL_AGAIN}): against a model, under concurrent changes, and
 * at 100,000 subscribers; and the topic changes a slow listener is told.
 */
class TopicRegistryTest {
    private static final Topic[] TOPICS = {Topic.of("t0"), Topic.of("t1"), Topic.of("t2")};
    private static final int SINKS = 150;

    /** Records every buffer it makes, so a test can check that each one was released. */
    static final class RecordingAllocator extends AbstractByteBufAllocator {
        final Queue<ByteBuf> made = new ConcurrentLinkedQueue<>();

        RecordingAllocator() {
            super(false);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf b = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
            made.add(b);
            return b;
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return newHeapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }

        void assertAllReleased() {
            assertThat(made).allSatisfy(b -> assertThat(b.refCnt()).as("frame released exactly once").isZero());
        }
    }

    /** The event (an int) that an EVENT frame carries. */
    static int eventOf(ByteBuf frame) {
        Frame.EventFrame event = (Frame.EventFrame) Frame.decode(frame.duplicate());
        return Codecs.INT.decode(new ByteBufWireReader(Unpooled.wrappedBuffer(event.payload())));
    }

    /** A sink that keeps the events it got, in order (one emitting thread). */
    static final class ListSink implements EventSink {
        final List<Integer> got = new ArrayList<>();

        @Override
        public void deliverEvent(ByteBuf frame) {
            try {
                got.add(eventOf(frame));
            } finally {
                frame.release();
            }
        }
    }

    // ---- against a model ----

    sealed interface Op permits Subscribe, Unsubscribe, Emit {}

    /** Subscribes sinks {@code first}, {@code first + 1}, ... ({@code count} of them, modulo SINKS). */
    record Subscribe(int topic, int first, int count) implements Op {}

    record Unsubscribe(int topic, int first, int count) implements Op {}

    record Emit(int topic) implements Op {}

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> topic = Arbitraries.integers().between(0, TOPICS.length - 1);
        Arbitrary<Integer> sink = Arbitraries.integers().between(0, SINKS - 1);
        // Mostly one at a time, sometimes a burst that carries a topic across the limits.
        Arbitrary<Integer> count = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(1)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(2, 90)));
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, net.jqwik.api.Combinators.combine(topic, sink, count).as(Subscribe::new)),
                net.jqwik.api.Tuple.of(3, net.jqwik.api.Combinators.combine(topic, sink, count).as(Unsubscribe::new)),
                net.jqwik.api.Tuple.of(2, topic.map(Emit::new)));
        return op.list().ofMinSize(1).ofMaxSize(50);
    }

    @Property(tries = 300)
    void subscribeUnsubscribeAndEmitAgreeWithAModel(@ForAll("ops") List<Op> ops) {
        RecordingAllocator alloc = new RecordingAllocator();
        List<TopicChange> changes = new ArrayList<>();
        TopicRegistry<Integer> registry = new TopicRegistry<>(Codecs.INT, alloc, changes::add, Runnable::run);
        List<ListSink> sinks = new ArrayList<>();
        for (int i = 0; i < SINKS; i++) {
            sinks.add(new ListSink());
        }
        List<Set<Integer>> model = new ArrayList<>();
        for (int t = 0; t < TOPICS.length; t++) {
            model.add(new HashSet<>());
        }
        List<TopicChange> expectedChanges = new ArrayList<>();
        int event = 0;
        for (Op op : ops) {
            switch (op) {
                case Subscribe(int t, int first, int count) -> {
                    for (int k = 0; k < count; k++) {
                        int s = (first + k) % SINKS;
                        boolean added = model.get(t).add(s);
                        if (added && model.get(t).size() == 1) {
                            expectedChanges.add(new TopicChange.Created(TOPICS[t]));
                        }
                        assertThat(registry.subscribe(TOPICS[t], sinks.get(s))).as("%s, sink %d", op, s).isEqualTo(added);
                    }
                }
                case Unsubscribe(int t, int first, int count) -> {
                    for (int k = 0; k < count; k++) {
                        int s = (first + k) % SINKS;
                        boolean removed = model.get(t).remove(s);
                        if (removed && model.get(t).isEmpty()) {
                            expectedChanges.add(new TopicChange.Removed(TOPICS[t]));
                        }
                        assertThat(registry.unsubscribe(TOPICS[t], sinks.get(s))).as("%s, sink %d", op, s).isEqualTo(removed);
                    }
                }
                case Emit(int t) -> {
                    int e = event++;
                    assertThat(registry.emit(TOPICS[t], e)).as("recipients of %s", op).isEqualTo(model.get(t).size());
                    for (int s = 0; s < SINKS; s++) {
                        List<Integer> got = sinks.get(s).got;
                        assertThat(got).as("sink %d on %s", s, op).isEqualTo(model.get(t).contains(s) ? List.of(e) : List.of());
                        got.clear();
                    }
                }
            }
            assertThat(changes).as("topic changes after %s", op).isEqualTo(expectedChanges);
            long subscriptions = 0;
            int topics = 0;
            for (int t = 0; t < TOPICS.length; t++) {
                assertThat(registry.subscriberCount(TOPICS[t])).isEqualTo(model.get(t).size());
                subscriptions += model.get(t).size();
                topics += model.get(t).isEmpty() ? 0 : 1;
            }
            assertThat(registry.subscriptionCount()).isEqualTo(subscriptions);
            assertThat(registry.topicCount()).isEqualTo(topics);
        }
        alloc.assertAllReleased();
    }

    // ---- concurrent ----

    /** A sink that counts each event it gets and checks it was not unsubscribed before that emit began. */
    static final class TrackedSink implements EventSink {
        final AtomicIntegerArray got;
        final Queue<String> errors;
        /** The first event id taken after this sink's subscribe returned, or -1 once an unsubscribe may have begun. */
        volatile int onSince = -1;
        /** The first event id taken after this sink's unsubscribe returned, or -1 once a subscribe may have begun. */
        volatile int offSince;

        TrackedSink(int events, Queue<String> errors) {
            this.got = new AtomicIntegerArray(events);
            this.errors = errors;
        }

        @Override
        public void deliverEvent(ByteBuf frame) {
            int id;
            try {
                id = eventOf(frame);
            } finally {
                frame.release();
            }
            if (got.incrementAndGet(id) > 1) {
                errors.add("event " + id + " delivered twice to one sink");
            }
            int off = offSince;
            if (off >= 0 && id >= off) {
                errors.add("event " + id + " delivered to a sink unsubscribed before that emit began (at " + off + ")");
            }
        }
    }

    @Test
    void emitsDuringSubscribesAndUnsubscribesReachEveryStableSinkOnceAndNoSinkThatLeftBefore() throws Exception {
        int maxEvents = 8_000;
        int rounds = 15;
        RecordingAllocator alloc = new RecordingAllocator();
        List<TopicChange> changes = new CopyOnWriteArrayList<>();
        TopicRegistry<Integer> registry = new TopicRegistry<>(Codecs.INT, alloc, changes::add, Runnable::run);
        Topic topic = Topic.of("prices");
        Queue<String> errors = new ConcurrentLinkedQueue<>();
        List<TrackedSink> stable = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            TrackedSink s = new TrackedSink(maxEvents, errors);
            s.offSince = -1;
            assertThat(registry.subscribe(topic, s)).isTrue();
            stable.add(s);
        }
        // Three churners of 40 sinks each, in rounds: all subscribe (10 + 120 = 130 > SMALL_MAX), then all
        // unsubscribe (back to 10 < SMALL_AGAIN), so the topic changes form back and forth while emits run.
        int churners = 3;
        List<List<TrackedSink>> churned = new ArrayList<>();
        List<TrackedSink> allChurned = new ArrayList<>();
        for (int c = 0; c < churners; c++) {
            List<TrackedSink> own = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                own.add(new TrackedSink(maxEvents, errors));
            }
            churned.add(own);
            allChurned.addAll(own);
        }
        AtomicInteger nextId = new AtomicInteger();
        AtomicBoolean churnDone = new AtomicBoolean();
        AtomicInteger largest = new AtomicInteger();
        AtomicInteger smallest = new AtomicInteger(Integer.MAX_VALUE);
        CyclicBarrier phase = new CyclicBarrier(churners);
        // Emits and changes in step (two emits per change, a change per emit, some slack), so that the
        // emits are spread over the whole churn whichever side the scheduler favours.
        Semaphore emits = new Semaphore(0);
        Semaphore changesAllowed = new Semaphore(20);
        ExecutorService pool = Executors.newFixedThreadPool(churners + 2);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int c = 0; c < churners; c++) {
                List<TrackedSink> own = churned.get(c);
                Random random = new Random(c);
                work.add(pool.submit(() -> {
                    for (int r = 0; r < rounds; r++) {
                        Collections.shuffle(own, random);
                        for (TrackedSink s : own) {
                            step(changesAllowed);
                            s.offSince = -1;
                            if (!registry.subscribe(topic, s)) {
                                errors.add("subscribe returned false");
                            }
                            s.onSince = nextId.get();
                            emits.release(2);
                            observe(registry.subscriberCount(topic), largest, smallest);
                        }
                        phase.await(30, TimeUnit.SECONDS);
                        Collections.shuffle(own, random);
                        for (TrackedSink s : own) {
                            step(changesAllowed);
                            s.onSince = -1;
                            if (!registry.unsubscribe(topic, s)) {
                                errors.add("unsubscribe returned false");
                            }
                            s.offSince = nextId.get();
                            emits.release(2);
                            observe(registry.subscriberCount(topic), largest, smallest);
                        }
                        phase.await(30, TimeUnit.SECONDS);
                    }
                    return null;
                }));
            }
            for (int e = 0; e < 2; e++) {
                work.add(pool.submit(() -> {
                    while (!churnDone.get()) {
                        if (!emits.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                            continue;
                        }
                        int id = nextId.getAndIncrement();
                        if (id >= maxEvents) {
                            return null;
                        }
                        registry.emit(topic, id);
                        changesAllowed.release();
                        // A churned sink subscribed before this emit took its id, and not unsubscribing
                        // before it returned, was subscribed for the whole emit: it must have the event.
                        for (TrackedSink s : allChurned) {
                            int on = s.onSince;
                            if (on >= 0 && id >= on && s.got.get(id) != 1) {
                                errors.add("event " + id + " missed by a sink subscribed since " + on);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (int c = 0; c < churners; c++) {
                work.get(c).get(50, TimeUnit.SECONDS);
            }
            churnDone.set(true);
            for (Future<?> f : work) {
                f.get(50, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(errors).isEmpty();
        int emitted = Math.min(nextId.get(), maxEvents);
        assertThat(emitted).as("events emitted while the churn ran").isPositive();
        for (TrackedSink s : stable) {
            for (int id = 0; id < emitted; id++) {
                assertThat(s.got.get(id)).as("event %d at a stable sink", id).isEqualTo(1);
            }
        }
        assertThat(largest.get()).as("went past the array form").isGreaterThan(TopicRegistry.SMALL_MAX);
        assertThat(smallest.get()).as("came back to the array form").isLessThanOrEqualTo(TopicRegistry.SMALL_AGAIN);
        assertThat(registry.subscriberCount(topic)).isEqualTo(stable.size());
        assertThat(registry.subscriptionCount()).isEqualTo(stable.size());
        assertThat(changes).containsExactly(new TopicChange.Created(topic));
        alloc.assertAllReleased();
    }

    private static void step(Semaphore permits) throws InterruptedException {
        if (!permits.tryAcquire(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the emitters stopped");
        }
    }

    private static void observe(int count, AtomicInteger largest, AtomicInteger smallest) {
        largest.accumulateAndGet(count, Math::max);
        smallest.accumulateAndGet(count, Math::min);
    }

    // ---- scale ----

    /** A sink that counts its events (one emitting thread). */
    static final class CountingSink implements EventSink {
        int got;

        @Override
        public void deliverEvent(ByteBuf frame) {
            got++;
            frame.release();
        }
    }

    @Test
    void aHundredThousandSubscribersJoinAndLeaveOneTopic() {
        int n = 100_000;
        RecordingAllocator alloc = new RecordingAllocator();
        List<TopicChange> changes = new ArrayList<>();
        TopicRegistry<Integer> registry = new TopicRegistry<>(Codecs.INT, alloc, changes::add, Runnable::run);
        Topic topic = Topic.of("prices");
        List<CountingSink> sinks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sinks.add(new CountingSink());
        }
        int joined = 0;
        for (CountingSink s : sinks) {
            joined += registry.subscribe(topic, s) ? 1 : 0;
        }
        assertThat(joined).isEqualTo(n);
        assertThat(registry.subscribe(topic, sinks.get(n / 2))).as("already there").isFalse();
        assertThat(registry.subscriberCount(topic)).isEqualTo(n);
        assertThat(registry.subscriptionCount()).isEqualTo(n);
        assertThat(registry.emit(topic, 1)).isEqualTo(n);
        assertThat(sinks).allSatisfy(s -> assertThat(s.got).isEqualTo(1));

        List<CountingSink> leaving = new ArrayList<>(sinks);
        Collections.shuffle(leaving, new Random(42));
        int left = 0;
        for (int i = 0; i < n; i++) {
            left += registry.unsubscribe(topic, leaving.get(i)) ? 1 : 0;
            if (i == n / 2 - 1) {
                assertThat(registry.emit(topic, 2)).as("half left").isEqualTo(n - n / 2);
            }
        }
        assertThat(left).isEqualTo(n);
        assertThat(registry.unsubscribe(topic, sinks.get(0))).as("no longer there").isFalse();
        for (int i = 0; i < n; i++) {
            assertThat(leaving.get(i).got).isEqualTo(i < n / 2 ? 1 : 2);
        }
        assertThat(registry.emit(topic, 3)).isZero();
        assertThat(registry.subscriberCount(topic)).isZero();
        assertThat(registry.subscriptionCount()).isZero();
        assertThat(registry.topicCount()).isZero();
        assertThat(changes).containsExactly(new TopicChange.Created(topic), new TopicChange.Removed(topic));
        alloc.assertAllReleased();
    }

    // ---- a slow topic listener ----

    @Test
    void aSlowListenerHoldsBackAtMostOneChangePerTopicAndHearsAConsistentStory() throws Exception {
        RecordingAllocator alloc = new RecordingAllocator();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
        List<TopicChange> heard = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService notifier = Executors.newSingleThreadExecutor();
        try {
            TopicRegistry<Integer> registry = new TopicRegistry<>(Codecs.INT, alloc, change -> {
                busy.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                heard.add(change);
            }, notifier);
            Topic kept = Topic.of("kept");
            ListSink stays = new ListSink();
            registry.subscribe(kept, stays);
            assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue(); // the listener is stuck on Created(kept)
            Topic[] churning = new Topic[100];
            for (int t = 0; t < churning.length; t++) {
                churning[t] = Topic.of("churn-" + t);
            }
            ListSink sink = new ListSink();
            for (int i = 0; i < 100_000; i++) {
                Topic t = churning[i % churning.length];
                registry.subscribe(t, sink);
                registry.unsubscribe(t, sink);
                assertThat(registry.pendingChanges()).isLessThanOrEqualTo(churning.length);
            }
            // left at the end: half the churning topics exist, and "kept" went away and came back
            for (int t = 0; t < churning.length; t += 2) {
                registry.subscribe(churning[t], sink);
            }
            registry.unsubscribe(kept, stays);
            registry.subscribe(kept, stays);
            assertThat(registry.pendingChanges()).isEqualTo(churning.length / 2);
            release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (registry.pendingChanges() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            notifier.shutdown();
            assertThat(notifier.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

            // Per topic, what the listener heard alternates Created, Removed, ... from a Created, and
            // ends with what is true now.
            java.util.Map<Topic, TopicChange> last = new java.util.HashMap<>();
            synchronized (heard) {
                for (TopicChange c : heard) {
                    TopicChange before = last.put(c.topic(), c);
                    if (before == null) {
                        assertThat(c).as("first change of " + c.topic()).isInstanceOf(TopicChange.Created.class);
                    } else {
                        assertThat(c.getClass()).as("changes of " + c.topic() + " alternate").isNotEqualTo(before.getClass());
                    }
                }
            }
            java.util.Set<Topic> believed = new java.util.HashSet<>();
            last.forEach((topic, c) -> {
                if (c instanceof TopicChange.Created) {
                    believed.add(topic);
                }
            });
            java.util.Set<Topic> exist = new java.util.HashSet<>(List.of(kept));
            for (int t = 0; t < churning.length; t += 2) {
                exist.add(churning[t]);
            }
            assertThat(believed).isEqualTo(exist);
            // Created(kept) once: its Removed and the Created after it cancelled out while it waited.
            assertThat(heard).filteredOn(c -> c.topic().equals(kept)).containsExactly(new TopicChange.Created(kept));
            assertThat(heard.size()).isLessThanOrEqualTo(1 + churning.length);
            alloc.assertAllReleased();
        } finally {
            release.countDown();
            notifier.shutdownNow();
        }
    }

    // ---- metadata ----

    /** A sink that keeps a copy of each frame it gets. */
    static final class CopyingSink implements EventSink {
        final List<byte[]> frames = new ArrayList<>();

        @Override
        public void deliverEvent(ByteBuf frame) {
            frames.add(io.netty.buffer.ByteBufUtil.getBytes(frame));
            frame.release();
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(10)
    void metadataAttachedToTheEmittingThreadTravelsToEverySubscriberAndNothingAttachedKeepsThePlainFrame() {
        TopicRegistry<Integer> registry = new TopicRegistry<>(Codecs.INT, Unpooled.buffer().alloc(), c -> {}, Runnable::run);
        Topic topic = Topic.of("t");
        CopyingSink a = new CopyingSink();
        CopyingSink b = new CopyingSink();
        registry.subscribe(topic, a);
        registry.subscribe(topic, b);
        dev.hardlight.Metadata md = dev.hardlight.Metadata.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        try (dev.hardlight.Metadata.Scope s = md.attach()) {
            assertThat(registry.emit(topic, 1)).isEqualTo(2);
        }
        assertThat(registry.emit(topic, 2)).isEqualTo(2);
        assertThat(a.frames).hasSize(2);
        assertThat(b.frames.get(0)).as("one encoding for every subscriber").isEqualTo(a.frames.get(0));
        assertThat(Frame.decode(Unpooled.wrappedBuffer(a.frames.get(0))))
                .isEqualTo(new Frame.EventMeta(topic, md, new byte[] {0x02}));
        assertThat(Frame.decode(Unpooled.wrappedBuffer(a.frames.get(1))))
                .as("the scope closed: the plain EVENT again").isEqualTo(new Frame.EventFrame(topic, new byte[] {0x04}));
        assertThat(TopicRegistry.topicOf(a.frames.get(0), 0, a.frames.get(0).length)).as("a cluster peer finds the topic").isEqualTo(topic);
    }
}
