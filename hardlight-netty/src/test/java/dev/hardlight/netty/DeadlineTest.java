package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.service.RpcChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Deadlines and cancellation over a real TLS connection: a handler that never returns (it ignores
 * interrupts) cannot hold a call, its call fails promptly, the handler is interrupted, and the call id
 * is free again for the next call (the server allows one call in flight).
 */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class DeadlineTest {
    private static final Duration DEADLINE = Duration.ofMillis(200);
    /** "Promptly": far below this, however slow the machine. */
    private static final long PROMPT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final StubbornHandler handler = new StubbornHandler();
    private final HardLightServer server = handler.serve(b -> b.maxInFlight(1));

    @AfterEach
    void tearDown() {
        handler.release.countDown();
        server.close();
    }

    private CounterClient connect(ClientOptions options) {
        return HardLight.connect(StubbornHandler.uri(server), options, CounterClient.FACTORY);
    }

    private static void assertDeadlineExceeded(Throwable e) {
        assertThat(e).isInstanceOfSatisfying(RpcException.class, r -> {
            assertThat(r.status()).isEqualTo(Status.DEADLINE_EXCEEDED);
            assertThat(r.getMessage()).contains("Counter.block did not complete within 200 ms");
        });
    }

    /** The handler saw the cancel's interrupt, and the freed id serves the next call. */
    private void assertHandlerInterruptedAndSlotFree(CounterClient client) throws Exception {
        assertThat(handler.interrupts.tryAcquire(10, TimeUnit.SECONDS)).as("the handler was interrupted").isTrue();
        // One call in flight at most: this one waits for the CANCELLED answer that frees the id.
        assertThat(client.incrementAsync(1).get(10, TimeUnit.SECONDS)).isPositive();
    }

    @Test
    void deadlineOfAGeneratedClientFailsTheCallPromptlyAndCancelsTheHandler() throws Exception {
        try (CounterClient client = connect(StubbornHandler.pinned(server))) {
            long start = System.nanoTime();
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> client.withDeadline(DEADLINE).block(1));
            long elapsed = System.nanoTime() - start;
            assertDeadlineExceeded(thrown);
            assertThat(elapsed).isGreaterThanOrEqualTo(DEADLINE.toNanos()).isLessThan(PROMPT_NANOS);
            assertThat(handler.started.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
            assertHandlerInterruptedAndSlotFree(client);
            // Again: the connection is fine and the id was reused.
            assertDeadlineExceeded(org.assertj.core.api.Assertions.catchThrowable(() -> client.withDeadline(DEADLINE).block(2)));
            assertHandlerInterruptedAndSlotFree(client);
        }
    }

    @Test
    void deadlineOfTheChannelAppliesToBlockingAndAsyncCalls() throws Exception {
        try (CounterClient client = connect(StubbornHandler.pinned(server))) {
            RpcChannel channel = client.channel().withDeadline(DEADLINE);
            long start = System.nanoTime();
            assertDeadlineExceeded(org.assertj.core.api.Assertions.catchThrowable(
                    () -> channel.call(CounterSchema.BLOCK, out -> out.writeInt(1))));
            assertThat(System.nanoTime() - start).isLessThan(PROMPT_NANOS);
            assertHandlerInterruptedAndSlotFree(client);

            CompletableFuture<Integer> f = channel.callAsync(CounterSchema.BLOCK, out -> out.writeInt(2));
            assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().satisfies(DeadlineTest::assertDeadlineExceeded);
            assertHandlerInterruptedAndSlotFree(client);

            // A call that answers in time is not affected by its deadline.
            assertThat(channel.call(CounterSchema.INCREMENT, out -> out.writeInt(5))).isPositive();
        }
    }

    @Test
    void defaultDeadlineOfTheClientOptions() throws Exception {
        ClientOptions options = StubbornHandler.pinned(server).toBuilder().defaultDeadline(DEADLINE).build();
        assertThat(options.defaultDeadline()).isEqualTo(DEADLINE);
        try (CounterClient client = connect(options)) {
            long start = System.nanoTime();
            assertDeadlineExceeded(org.assertj.core.api.Assertions.catchThrowable(() -> client.block(1)));
            assertThat(System.nanoTime() - start).isLessThan(PROMPT_NANOS);
            assertHandlerInterruptedAndSlotFree(client);

            CompletableFuture<Integer> f = client.blockAsync(2);
            assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().satisfies(DeadlineTest::assertDeadlineExceeded);
            assertHandlerInterruptedAndSlotFree(client);
        }
    }

    @Test
    void cancellingAnAsyncCallInterruptsTheHandler() throws Exception {
        try (CounterClient client = connect(StubbornHandler.pinned(server))) {
            CompletableFuture<Integer> f = client.blockAsync(1);
            assertThat(handler.started.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
            assertThat(f.cancel(true)).isTrue();
            assertThat(f).isCancelled();
            assertHandlerInterruptedAndSlotFree(client);
        }
    }

    @Test
    void deadlinesMustBePositive() {
        ClientOptions.Builder b = ClientOptions.builder();
        assertThatThrownBy(() -> b.defaultDeadline(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("defaultDeadline").hasMessageContaining("> 0");
        assertThatThrownBy(() -> b.defaultDeadline(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(ClientOptions.builder().build().defaultDeadline()).isNull();
        assertThat(b.defaultDeadline(DEADLINE).defaultDeadline(null).build().defaultDeadline()).isNull();
    }
}
