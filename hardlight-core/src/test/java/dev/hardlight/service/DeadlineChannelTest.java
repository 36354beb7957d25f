package dev.hardlight.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.EventListener;
import dev.hardlight.EventStream;
import dev.hardlight.StateListener;
import dev.hardlight.codec.Codecs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link RpcChannel#withDeadline}: every call through the view carries the deadline; the connection is shared. */
class DeadlineChannelTest {
    private static final MethodDescriptor<Integer> M = new MethodDescriptor<>(0, "m", 1L, Codecs.INT, List.of());

    /** Records the deadline of each call. */
    static final class Recording implements RpcChannel {
        final List<Duration> deadlines = new ArrayList<>();
        boolean closed;

        @Override public ServiceDescriptor<?> service() { return null; }
        @Override public <R> R call(MethodDescriptor<R> method, ArgumentWriter args, Duration deadline) {
            deadlines.add(deadline);
            return null;
        }
        @Override public <R> CompletableFuture<R> callAsync(MethodDescriptor<R> method, ArgumentWriter args, Duration deadline) {
            deadlines.add(deadline);
            return CompletableFuture.completedFuture(null);
        }
        @Override public Object state() { return null; }
        @Override public void addStateListener(StateListener<Object> listener) {}
        @Override public void removeStateListener(StateListener<Object> listener) {}
        @Override public EventStream<Object> events() { return null; }
        @Override public void addEventListener(EventListener<Object> listener) {}
        @Override public void removeEventListener(EventListener<Object> listener) {}
        @Override public Set<String> features() { return Set.of("f"); }
        @Override public boolean isOpen() { return !closed; }
        @Override public void close() { closed = true; }
    }

    @Test
    void callsThroughTheViewCarryItsDeadlineUnlessTheyNameOne() throws Exception {
        Recording channel = new Recording();
        RpcChannel view = channel.withDeadline(Duration.ofMillis(250));
        view.call(M, ArgumentWriter.NONE);
        view.callAsync(M, ArgumentWriter.NONE);
        view.call(M, ArgumentWriter.NONE, Duration.ofSeconds(1));
        channel.call(M, ArgumentWriter.NONE);
        view.withDeadline(Duration.ofSeconds(2)).call(M, ArgumentWriter.NONE);
        assertThat(channel.deadlines).containsExactly(Duration.ofMillis(250), Duration.ofMillis(250), Duration.ofSeconds(1),
                null, Duration.ofSeconds(2));
        assertThat(view.features()).containsExactly("f");
        view.close();
        assertThat(channel.isOpen()).as("the view shares the connection").isFalse();
    }

    @Test
    void deadlineMustBePositive() {
        Recording channel = new Recording();
        for (Duration bad : new Duration[] {null, Duration.ZERO, Duration.ofMillis(-1)}) {
            assertThatThrownBy(() -> channel.withDeadline(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("(expected: > 0)");
        }
    }
}
