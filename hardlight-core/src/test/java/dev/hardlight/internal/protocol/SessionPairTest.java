package dev.hardlight.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.hardlight.internal.protocol.SessionPair.start;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.service.ArgumentWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client and a server session driven together on the test's thread, time from a {@link ManualTimer}:
 * the protocol's calls, deadlines and cancels, deterministic (no thread, no sleep, no real clock).
 */
@Timeout(10)
class SessionPairTest {
    /** Answers at once when the test runs it. */
    private final Calc handler = new Calc.Simple() {
        @Override
        public int await() {
            return 42;
        }
    };

    private static void assertFailsWith(CompletableFuture<Object> f, Status status, String message) {
        assertThat(f).isCompletedExceptionally();
        assertThatThrownBy(f::join).isInstanceOf(CompletionException.class).cause()
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(status))
                .hasMessage(message);
    }

    @Test
    void aCallIsAnsweredOnceTheFramesAndTheHandlerRunAreDelivered() throws Exception {
        SessionPair<Calc> pair = SessionPair.connected(Calc.DESCRIPTOR, handler);
        CompletableFuture<Object> f = start(pair.client, Calc.ADD, out -> { out.writeInt(2); out.writeInt(3); });
        assertThat(f).isNotDone();
        assertThat(pair.toServerOne()).isTrue();
        assertThat(f).as("the handler has not run yet").isNotDone();
        assertThat(pair.settle()).isEqualTo(2); // the handler run, the RESULT
        assertThat(f.get()).isEqualTo(5);
        assertThat(pair.client.inFlight()).isZero();
    }

    @Test
    void aDeadlinePassesWhenTheManualClockReachesItNotBefore() {
        SessionPair<Calc> pair = SessionPair.connected(Calc.DESCRIPTOR, handler);
        CompletableFuture<Object> f = start(pair.client, Calc.AWAIT, ArgumentWriter.NONE, Duration.ofMillis(50));
        assertThat(pair.timer.pending()).singleElement().satisfies(t -> assertThat(t.delay).isEqualTo(Duration.ofMillis(50)));
        assertThat(pair.toServerOne()).isTrue(); // the CALL reaches the server; its handler waits to be run

        assertThat(pair.timer.advance(Duration.ofMillis(49))).isZero();
        assertThat(f).isNotDone();
        assertThat(pair.timer.advance(Duration.ofMillis(1))).isOne();
        assertFailsWith(f, Status.DEADLINE_EXCEEDED, "Calc.await did not complete within 50 ms");
        assertThat(pair.client.inFlight()).as("reserved until the server answers the CANCEL").isOne();

        pair.settle(); // the CANCEL, the server's answer to it, the handler run (its result is dropped)
        assertThat(pair.client.inFlight()).isZero();
        assertThat(pair.handlerRuns).isEmpty();
        assertThat(pair.toServer.frames).isEmpty();
        assertThat(pair.toClient.frames).isEmpty();
    }

    @Test
    void theDefaultDeadlineIsMeasuredOnTheTimersClock() throws Exception {
        SessionPair<Calc> pair = SessionPair.connected(Calc.DESCRIPTOR, handler, 8, Duration.ofSeconds(1));
        CompletableFuture<Object> slow = start(pair.client, Calc.AWAIT, ArgumentWriter.NONE);
        pair.timer.advance(Duration.ofMillis(999));
        CompletableFuture<Object> quick = start(pair.client, Calc.AWAIT, ArgumentWriter.NONE);
        pair.timer.advance(Duration.ofMillis(1));
        assertFailsWith(slow, Status.DEADLINE_EXCEEDED, "Calc.await did not complete within 1 s");
        assertThat(quick).as("started 999 ms later: its second runs from then").isNotDone();
        pair.settle();
        assertThat(quick.get()).isEqualTo(42);
        assertThat(pair.timer.pending()).as("the answered call's deadline task was cancelled").isEmpty();
    }

    @Test
    void aDeadlineAlreadyPassedFailsAtOnceWhenEverySlotIsTaken() {
        SessionPair<Calc> pair = SessionPair.connected(Calc.DESCRIPTOR, handler, 1, null);
        CompletableFuture<Object> first = start(pair.client, Calc.AWAIT, ArgumentWriter.NONE);
        assertThatThrownBy(() -> start(pair.client, Calc.AWAIT, ArgumentWriter.NONE, Duration.ZERO))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.DEADLINE_EXCEEDED));
        pair.settle();
        assertThat(first).isCompletedWithValue(42);
    }

    @Test
    void cancellingSendsCancelAndTheServerAnswersCancelled() {
        SessionPair<Calc> pair = SessionPair.connected(Calc.DESCRIPTOR, handler);
        CompletableFuture<Object> f = start(pair.client, Calc.AWAIT, ArgumentWriter.NONE);
        pair.toServerOne();
        f.cancel(true);
        pair.settle();
        assertThat(f).isCancelled();
        assertThat(pair.client.inFlight()).isZero();
        CompletableFuture<Object> next = start(pair.client, Calc.ADD, out -> { out.writeInt(1); out.writeInt(1); });
        pair.settle();
        assertThat(next).isCompletedWithValue(2);
    }
}
