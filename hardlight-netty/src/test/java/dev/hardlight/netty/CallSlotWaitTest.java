package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A call over the in-flight limit, over a real TLS connection whose server allows one call in flight:
 * the caller waits for the slot (the transport waits, not the protocol session), never fails for lack
 * of one, and fails only when its deadline passes (DEADLINE_EXCEEDED, nothing sent) or its thread is
 * interrupted (CANCELLED, nothing sent).
 */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class CallSlotWaitTest {
    private final TestServer server = TestServer.start(b -> b.maxInFlight(1));

    @AfterEach
    void tearDown() {
        server.close();
    }

    /** Takes the connection's only slot with a {@code block} call that runs until the test releases it. */
    private CompletableFuture<Integer> holdTheSlot(CounterClient client) throws InterruptedException {
        CompletableFuture<Integer> blocking = client.blockAsync(7);
        assertThat(server.blocked.tryAcquire(10, TimeUnit.SECONDS)).as("the block call runs").isTrue();
        return blocking;
    }

    private static void awaitWaiting(Thread t) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            assertThat(System.nanoTime()).as("the caller waits within 10 s").isLessThan(until);
            Thread.sleep(1);
        }
    }

    @Test
    void aCallOverTheLimitWaitsForTheSlotAndThenRuns() throws Exception {
        try (CounterClient client = server.connect()) {
            CompletableFuture<Integer> blocking = holdTheSlot(client);
            CompletableFuture<Integer> sync = new CompletableFuture<>();
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    sync.complete(client.increment(1));
                } catch (Throwable t) {
                    sync.completeExceptionally(t);
                }
            });
            awaitWaiting(caller);
            assertThat(sync).as("no slot: the call waits").isNotDone();

            server.release.countDown();
            assertThat(blocking.get(10, TimeUnit.SECONDS)).isEqualTo(7);
            assertThat(sync.get(10, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(client.incrementAsync(1).get(10, TimeUnit.SECONDS)).isEqualTo(2);
        }
    }

    @Test
    void aDeadlinePassingWhileWaitingForTheSlotFailsTheCallWithoutSendingIt() throws Exception {
        try (CounterClient client = server.connect()) {
            CompletableFuture<Integer> blocking = holdTheSlot(client);
            Throwable sync = catchThrowable(() -> client.withDeadline(Duration.ofMillis(100)).increment(1));
            assertThat(sync).isInstanceOfSatisfying(RpcException.class,
                            e -> assertThat(e.status()).isEqualTo(Status.DEADLINE_EXCEEDED))
                    .hasMessage("Counter.increment did not complete within 100 ms (no call slot became free; nothing was sent)");
            // An async call waits on the calling thread too (RpcCalls.callAsync), then fails its future.
            CompletableFuture<Integer> async = client.withDeadline(Duration.ofMillis(100)).incrementAsync(1);
            assertThat(catchThrowable(() -> async.get(10, TimeUnit.SECONDS))).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(RpcException.class,
                            e -> assertThat(e.status()).isEqualTo(Status.DEADLINE_EXCEEDED))
                    .hasMessage("Counter.increment did not complete within 100 ms (no call slot became free; nothing was sent)");

            server.release.countDown();
            assertThat(blocking.get(10, TimeUnit.SECONDS)).isEqualTo(7);
            assertThat(client.increment(1)).as("neither timed-out call ran").isEqualTo(1);
        }
    }

    @Test
    void interruptingACallerWaitingForTheSlotFailsItCancelledWithoutSendingIt() throws Exception {
        try (CounterClient client = server.connect()) {
            CompletableFuture<Integer> blocking = holdTheSlot(client);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread caller = Thread.ofVirtual().start(() -> failure.set(catchThrowable(() -> client.increment(1))));
            awaitWaiting(caller);
            caller.interrupt();
            caller.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(caller.isAlive()).isFalse();
            assertThat(failure.get()).isInstanceOfSatisfying(RpcException.class,
                            e -> assertThat(e.status()).isEqualTo(Status.CANCELLED))
                    .hasMessage("interrupted while waiting for a free call slot");

            server.release.countDown();
            assertThat(blocking.get(10, TimeUnit.SECONDS)).isEqualTo(7);
            assertThat(client.increment(1)).as("the interrupted call never ran").isEqualTo(1);
        }
    }
}
