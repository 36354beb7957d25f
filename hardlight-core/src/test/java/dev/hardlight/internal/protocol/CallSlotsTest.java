package dev.hardlight.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CallSlotsTest {
    @Test
    void slotsStartEmptyAndHoldWhatIsSet() {
        CallSlots<String> slots = new CallSlots<>(256);
        assertThat(slots.get(0)).isNull();
        assertThat(slots.get(255)).isNull();

        assertThat(slots.compareAndSet(200, null, "a")).isTrue();
        assertThat(slots.get(200)).isEqualTo("a");
        assertThat(slots.get(201)).isNull();
        assertThat(slots.compareAndSet(200, null, "b")).isFalse();
        assertThat(slots.compareAndSet(200, "a", null)).isTrue();
        assertThat(slots.get(200)).isNull();
    }

    @Test
    void aSlotOnAnUnmadePageIsEmpty() {
        CallSlots<String> slots = new CallSlots<>(256);
        assertThat(slots.compareAndSet(70, "x", null)).isFalse();
        assertThat(slots.get(70)).isNull();
    }

    @Test
    void aCapacityThatIsNotAMultipleOfThePageWorksToItsLastSlot() {
        CallSlots<String> slots = new CallSlots<>(CallSlots.PAGE + 3);
        assertThat(slots.compareAndSet(CallSlots.PAGE + 2, null, "last")).isTrue();
        assertThat(slots.get(CallSlots.PAGE + 2)).isEqualTo("last");
        assertThatThrownBy(() -> slots.compareAndSet(CallSlots.PAGE + 3, null, "x"))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new CallSlots<String>(0)).hasMessage("capacity: 0 (expected: > 0)");
    }

    @Test
    void threadsRacingToMakeAPageAllKeepTheirSlot() throws Exception {
        for (int round = 0; round < 200; round++) {
            CallSlots<Integer> slots = new CallSlots<>(64);
            CountDownLatch start = new CountDownLatch(1);
            AtomicInteger won = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = 32 + t; // the same, unmade page
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (slots.compareAndSet(id, null, id)) {
                        won.incrementAndGet();
                    }
                }));
            }
            start.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertThat(won.get()).isEqualTo(4);
            for (int t = 0; t < 4; t++) {
                assertThat(slots.get(32 + t)).isEqualTo(32 + t);
            }
        }
    }
}
