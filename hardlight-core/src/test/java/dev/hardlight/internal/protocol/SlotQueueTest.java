package dev.hardlight.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.service.ArgumentWriter;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The transport-side wait for a free call slot: the session refuses a call when its slots are taken
 * ({@link ClientSession#tryStart} returns null) and a {@link SlotQueue} blocks the caller until one
 * frees. The sessions run on the test's thread (a {@link SessionPair} whose handlers run inline); only
 * the waiting callers have threads of their own, and every wait for them is bounded.
 */
@Timeout(30)
class SlotQueueTest {
    private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
    private final SessionPair<Calc> pair = SessionPair.connectedInline(Calc.DESCRIPTOR, new Calc.Simple(), 1, null);
    private final SlotQueue slots = new SlotQueue(pair.client);

    @AfterEach
    void stop() {
        callers.shutdownNow();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(1);
        }
    }

    /** Starts an echo of {@code s} on a caller thread, and waits until it is queued. */
    private CompletableFuture<ClientSession.PendingCall> queuedEcho(String s) throws InterruptedException {
        int before = slots.waiting();
        CompletableFuture<ClientSession.PendingCall> f = CompletableFuture.supplyAsync(
                () -> slots.start(Calc.ECHO, out -> out.writeString(s), null), callers);
        await(() -> slots.waiting() == before + 1 || f.isDone(), s + " waiting");
        assertThat(f).as(s + " waits for a slot").isNotDone();
        return f;
    }

    /** Delivers the next frame the client sends (waiting for a caller thread to send it) and the answer. */
    private Frame.Call serveOne() {
        byte[] frame = pair.toServer.take();
        pair.server.onMessage(Unpooled.wrappedBuffer(frame));
        pair.toClientOne();
        return (Frame.Call) Frame.decode(Unpooled.wrappedBuffer(frame));
    }

    private static String echoArgument(Frame.Call call) {
        return new dev.hardlight.internal.codec.ByteBufWireReader(Unpooled.wrappedBuffer(call.arguments())).readString();
    }

    @Test
    void waitingCallersTakeFreedSlotsInArrivalOrder() throws Exception {
        ClientSession.PendingCall first = slots.start(Calc.ECHO, out -> out.writeString("a"), null);
        List<CompletableFuture<ClientSession.PendingCall>> waiting = new ArrayList<>();
        for (String s : List.of("b", "c", "d")) {
            waiting.add(queuedEcho(s));
        }
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sent.add(echoArgument(serveOne()));
        }
        assertThat(sent).containsExactly("a", "b", "c", "d");
        assertThat(first).isCompletedWithValue("a");
        for (int i = 0; i < 3; i++) {
            assertThat(waiting.get(i).get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS)).isEqualTo(List.of("b", "c", "d").get(i));
        }
        assertThat(slots.waiting()).isZero();
        assertThat(pair.client.inFlight()).isZero();
    }

    @Test
    void aWaitingCallNeverFailsForLackOfASlot() throws Exception {
        int calls = 40;
        List<CompletableFuture<Object>> results = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            int n = i;
            results.add(CompletableFuture.supplyAsync(() -> slots.start(Calc.ADD, out -> {
                out.writeInt(n);
                out.writeInt(1);
            }, null), callers).thenCompose(call -> call));
        }
        for (int i = 0; i < calls; i++) {
            serveOne(); // one slot: each answer lets the next waiting caller send
        }
        for (int i = 0; i < calls; i++) {
            assertThat(results.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(i + 1);
        }
        assertThat(slots.waiting()).isZero();
    }

    @Test
    void interruptingAWaitingCallerFailsItCancelledAndTheNextOneTakesTheSlot() throws Exception {
        slots.start(Calc.ECHO, out -> out.writeString("a"), null);
        AtomicReference<Thread> thread = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        CompletableFuture<ClientSession.PendingCall> interrupted = CompletableFuture.supplyAsync(() -> {
            thread.set(Thread.currentThread());
            try {
                return slots.start(Calc.ECHO, out -> out.writeString("b"), null);
            } finally {
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        }, callers);
        await(() -> slots.waiting() == 1, "b waiting");
        CompletableFuture<ClientSession.PendingCall> next = queuedEcho("c");

        thread.get().interrupt();
        assertThatThrownBy(() -> interrupted.get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.CANCELLED))
                .hasMessage("interrupted while waiting for a free call slot");
        assertThat(stillInterrupted.get()).as("the interrupt stays set").isTrue();
        await(() -> slots.waiting() == 1, "only c waiting");

        assertThat(echoArgument(serveOne())).isEqualTo("a");
        assertThat(echoArgument(serveOne())).as("b never sent; c next").isEqualTo("c");
        assertThat(next.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS)).isEqualTo("c");
    }

    @Test
    void anInterruptedCallerFailsCancelledEvenWithAFreeSlot() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> slots.start(Calc.ECHO, out -> out.writeString("a"), null))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.CANCELLED))
                    .hasMessage("interrupted while waiting for a free call slot");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(pair.toServer.frames).as("nothing sent").isEmpty();
        assertThat(pair.client.inFlight()).isZero();
    }

    @Test
    void aCallerWhoseDeadlinePassesLeavesTheQueueAndTheNextTakesTheSlot() throws Exception {
        slots.start(Calc.ECHO, out -> out.writeString("a"), null);
        CompletableFuture<ClientSession.PendingCall> expiring = CompletableFuture.supplyAsync(
                () -> slots.start(Calc.ECHO, out -> out.writeString("b"), Duration.ofMillis(50)), callers);
        await(() -> slots.waiting() == 1 || expiring.isDone(), "b waiting");
        CompletableFuture<ClientSession.PendingCall> patient = CompletableFuture.supplyAsync(
                () -> slots.start(Calc.ECHO, out -> out.writeString("c"), null), callers);

        assertThatThrownBy(() -> expiring.get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.DEADLINE_EXCEEDED))
                .hasMessage("Calc.echo did not complete within 50 ms (no call slot became free; nothing was sent)");
        await(() -> slots.waiting() == 1, "only c waiting");
        assertThat(echoArgument(serveOne())).isEqualTo("a");
        assertThat(echoArgument(serveOne())).as("b never sent; c next").isEqualTo("c");
        assertThat(patient.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS)).isEqualTo("c");
    }

    @Test
    void everyWaitingCallerFailsWhenTheConnectionCloses() throws Exception {
        slots.start(Calc.AWAIT, ArgumentWriter.NONE, null);
        List<CompletableFuture<ClientSession.PendingCall>> waiting = List.of(queuedEcho("b"), queuedEcho("c"), queuedEcho("d"));

        pair.client.onClosed(new RpcException(Status.CONNECTION_LOST, "gone"));
        for (CompletableFuture<ClientSession.PendingCall> f : waiting) {
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.CONNECTION_LOST))
                    .hasMessage("gone");
        }
        assertThat(slots.waiting()).isZero();
        assertThat(pair.toServer.frames).as("only the first call was sent").hasSize(1);
    }

    @Test
    void waitingCallersFailUnavailableOnceTheServerWentAwayAndASlotFrees() throws Exception {
        slots.start(Calc.AWAIT, ArgumentWriter.NONE, null);
        List<CompletableFuture<ClientSession.PendingCall>> waiting = List.of(queuedEcho("b"), queuedEcho("c"));

        pair.server.goAway("deploying");
        pair.settle(); // the first call's answer, then GO_AWAY
        for (CompletableFuture<ClientSession.PendingCall> f : waiting) {
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNAVAILABLE))
                    .hasMessage("server is shutting down: deploying");
        }
        assertThat(pair.toServer.frames).isEmpty();
    }
}
