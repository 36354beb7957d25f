package dev.hardlight.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.hardlight.internal.protocol.SessionPair.start;

import dev.hardlight.Status;
import dev.hardlight.service.ArgumentWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CANCEL answers at once and frees the slot, even when the handler ignores the interrupt. On a
 * {@link SessionPair}; the handler that ignores interrupts runs on a thread of its own.
 */
@Timeout(30)
class CancelTest {
    private MemoryPipe toServer;
    private MemoryPipe toClient;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    /** Released once per await() call the test lets return. */
    private final Semaphore release = new Semaphore(0);
    private final Semaphore entered = new Semaphore(0);
    private final AtomicInteger interruptsIgnored = new AtomicInteger();
    private final CountDownLatch interruptSeen = new CountDownLatch(1);
    private final AtomicInteger runs = new AtomicInteger();
    /** Counts invocations that have completely finished (answer sent or dropped). */
    private final Semaphore finished = new Semaphore(0);

    /** await() ignores interrupts: it returns only when the test releases it, with its run number. */
    private final Calc stubborn = new Calc.Simple() {
        @Override
        public int await() {
            int run = runs.incrementAndGet();
            entered.release();
            while (true) {
                try {
                    release.acquire();
                    return run;
                } catch (InterruptedException e) {
                    interruptsIgnored.incrementAndGet();
                    interruptSeen.countDown();
                }
            }
        }
    };

    private final Executor trackingExecutor = task -> threads.execute(() -> {
        try {
            task.run();
        } finally {
            finished.release();
        }
    });

    @AfterEach
    void stop() {
        release.release(100);
        threads.close();
    }

    /** A pair with one call slot whose handlers run on threads; sets the pipes. */
    private SessionPair<Calc> pair() {
        SessionPair<Calc> pair = SessionPair.connectedOn(Calc.DESCRIPTOR, stubborn, 1, trackingExecutor);
        toServer = pair.toServer;
        toClient = pair.toClient;
        return pair;
    }

    private static ByteBuf buf(byte[] b) {
        return Unpooled.wrappedBuffer(b);
    }

    @Test
    void cancelAnswersAtOnceAndFreesTheSlotEvenWhenTheHandlerIgnoresTheInterrupt() throws Exception {
        SessionPair<Calc> pair = pair();
        ServerSession<Calc> server = pair.server;
        ClientSession client = pair.client;
        CompletableFuture<Object> stuck = start(client, Calc.AWAIT, ArgumentWriter.NONE);
        server.onMessage(buf(toServer.take()));
        assertThat(entered.tryAcquire(5, TimeUnit.SECONDS)).isTrue();

        stuck.cancel(true);
        server.onMessage(buf(toServer.take())); // the CANCEL
        byte[] answer = toClient.frames.poll();
        assertThat(answer).as("answered on the spot, not when the handler returns").isNotNull();
        assertThat(Frame.decode(buf(answer))).isEqualTo(new Frame.Error(0, Status.CANCELLED, "cancelled by the client", 0));
        assertThat(server.inFlight()).as("the server's slot is free").isZero();
        assertThat(interruptSeen.await(5, TimeUnit.SECONDS)).as("the handler's thread was interrupted").isTrue();
        assertThat(finished.availablePermits()).as("while the handler still runs").isZero();

        client.onMessage(buf(answer));
        assertThat(client.inFlight()).isZero();
        CompletableFuture<Object> next = start(client, Calc.ADD, out -> { out.writeInt(1); out.writeInt(2); });
        byte[] call = toServer.take();
        assertThat(((Frame.Call) Frame.decode(buf(call))).callId()).as("the id is reused").isZero();
        server.onMessage(buf(call));
        assertThat(finished.tryAcquire(5, TimeUnit.SECONDS)).isTrue(); // add ran and answered
        client.onMessage(buf(toClient.take()));
        assertThat(next.get(5, TimeUnit.SECONDS)).isEqualTo(3);

        release.release();
        assertThat(finished.tryAcquire(5, TimeUnit.SECONDS)).as("the stubborn handler returned").isTrue();
        assertThat(toClient.frames).as("its late result is dropped").isEmpty();
        assertThat(server.inFlight()).isZero();
    }

    @Test
    void lateResultOfACancelledCallNeverAnswersTheCallThatReusedItsId() throws Exception {
        SessionPair<Calc> pair = pair();
        ServerSession<Calc> server = pair.server;
        ClientSession client = pair.client;
        CompletableFuture<Object> first = start(client, Calc.AWAIT, ArgumentWriter.NONE);
        server.onMessage(buf(toServer.take()));
        assertThat(entered.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
        first.cancel(true);
        server.onMessage(buf(toServer.take()));
        client.onMessage(buf(toClient.take()));

        CompletableFuture<Object> second = start(client, Calc.AWAIT, ArgumentWriter.NONE); // same id 0
        server.onMessage(buf(toServer.take()));
        assertThat(entered.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
        assertThat(server.inFlight()).isEqualTo(1);

        release.release(); // one of the two handlers returns; the other keeps waiting
        assertThat(finished.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
        release.release();
        assertThat(finished.tryAcquire(5, TimeUnit.SECONDS)).isTrue();

        List<byte[]> answers = new CopyOnWriteArrayList<>(toClient.frames);
        assertThat(answers).as("exactly one answer for the second call").hasSize(1);
        client.onMessage(buf(answers.get(0)));
        assertThat(second.get(5, TimeUnit.SECONDS)).as("the second run's own result").isEqualTo(2);
        assertThat(server.inFlight()).isZero();
        assertThat(client.inFlight()).isZero();
    }

    @Test
    void cancelOfACallNotYetRunningAnswersOnceAndTheHandlerNeverRuns() {
        SessionPair<Calc> pair = SessionPair.connected(Calc.DESCRIPTOR, stubborn, 4, null);
        CompletableFuture<Object> f = pair.start(Calc.AWAIT, ArgumentWriter.NONE);
        pair.toServerOne();
        f.cancel(true);
        pair.toServerOne();
        assertThat(Frame.decode(buf(pair.toClient.frames.poll())))
                .isEqualTo(new Frame.Error(0, Status.CANCELLED, "cancelled by the client", 0));
        assertThat(pair.runHandlerOne()).as("the executor gets to it late").isTrue();
        assertThat(runs).hasValue(0);
        assertThat(pair.toClient.frames).isEmpty();
        assertThat(pair.server.inFlight()).isZero();
    }
}
