package dev.hardlight.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.hardlight.internal.protocol.SessionPair.start;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.service.ArgumentWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Client deadlines, with a timer the test fires by hand. */
class DeadlineTest {
    /** The pipes and timer of the pair {@link #connect} made (stand-alone ones for the tests that make no pair). */
    private MemoryPipe toServer = new MemoryPipe();
    private MemoryPipe toClient = new MemoryPipe();
    private ManualTimer timer = new ManualTimer();
    private SessionPair<Calc> pair;

    /** Never blocks: the tests decide when answers arrive by delivering frames themselves. */
    private final Calc handler = new Calc.Simple() {
        @Override
        public int await() {
            return 42;
        }
    };

    private ServerSession<Calc> server(int maxInFlight) {
        ServerSession<Calc> s = new ServerSession<>(Calc.DESCRIPTOR, handler, toClient, Runnable::run, maxInFlight, 1 << 20, "");
        s.start();
        return s;
    }

    /** A connected pair (handlers run inline) whose client has {@code defaultDeadline}; returns its client. */
    private ClientSession connect(int serverMaxInFlight, Duration defaultDeadline) {
        pair = SessionPair.connectedInline(Calc.DESCRIPTOR, handler, serverMaxInFlight, defaultDeadline);
        toServer = pair.toServer;
        toClient = pair.toClient;
        timer = pair.timer;
        return pair.client;
    }

    private static ByteBuf buf(byte[] b) {
        return Unpooled.wrappedBuffer(b);
    }

    private static byte[] answer(int callId, int value) {
        ByteBuf b = Unpooled.buffer();
        new Frame.Result(callId, new byte[] {(byte) (value << 1)}).encode(b);
        return io.netty.buffer.ByteBufUtil.getBytes(b);
    }

    private static void assertDeadlineExceeded(CompletableFuture<Object> f, String message) {
        assertThat(f).isCompletedExceptionally();
        assertThatThrownBy(f::join).isInstanceOf(CompletionException.class).cause()
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.DEADLINE_EXCEEDED))
                .hasMessage(message);
    }

    @Test
    void deadlinePassingBeforeTheAnswerFailsTheCallAndSendsCancel() {
        ClientSession client = connect(8, null);
        CompletableFuture<Object> f = start(client, Calc.AWAIT, ArgumentWriter.NONE, Duration.ofMillis(50));
        assertThat(Frame.decode(buf(toServer.take()))).isEqualTo(new Frame.Call(0, 3, new byte[0]));
        assertThat(timer.pending()).hasSize(1);
        assertThat(timer.pending().get(0).delay).isPositive().isLessThanOrEqualTo(Duration.ofMillis(50));
        assertThat(f).isNotDone();

        assertThat(timer.fireAll()).isEqualTo(1);
        assertDeadlineExceeded(f, "Calc.await did not complete within 50 ms");
        assertThat(Frame.decode(buf(toServer.take()))).isEqualTo(new Frame.Cancel(0));
        assertThat(client.inFlight()).as("the slot stays reserved until the server answers").isEqualTo(1);
    }

    @Test
    void lateAnswerAfterTheDeadlineFreesTheSlotAndIsIgnored() throws Exception {
        ClientSession client = connect(8, null);
        CompletableFuture<Object> f = start(client, Calc.AWAIT, ArgumentWriter.NONE, Duration.ofSeconds(2));
        toServer.take();
        timer.fireAll();
        toServer.take(); // CANCEL
        CompletableFuture<Object> other = start(client, Calc.AWAIT, ArgumentWriter.NONE);
        assertThat(((Frame.Call) Frame.decode(buf(toServer.take()))).callId()).as("id 0 is still reserved").isEqualTo(1);

        client.onMessage(buf(answer(0, 42))); // the server answered before it saw the CANCEL
        assertDeadlineExceeded(f, "Calc.await did not complete within 2 s");
        assertThat(client.inFlight()).isEqualTo(1);
        start(client, Calc.AWAIT, ArgumentWriter.NONE);
        assertThat(((Frame.Call) Frame.decode(buf(toServer.take()))).callId()).as("id 0 is free again").isZero();
        client.onMessage(buf(answer(1, 7)));
        assertThat(other.get()).isEqualTo(7);
    }

    @Test
    void answerBeforeTheDeadlineCancelsTheTimer() throws Exception {
        ClientSession client = connect(8, null);
        ServerSession<Calc> server = pair.server;
        CompletableFuture<Object> f = start(client, Calc.ADD, out -> { out.writeInt(1); out.writeInt(2); }, Duration.ofSeconds(1));
        server.onMessage(buf(toServer.take()));
        client.onMessage(buf(toClient.take()));
        assertThat(f.get()).isEqualTo(3);
        assertThat(timer.tasks()).hasSize(1);
        assertThat(timer.pending()).as("the deadline task was cancelled").isEmpty();
        assertThat(toServer.frames).isEmpty();
    }

    @Test
    void aDeadlineTaskRunningAfterTheAnswerDoesNothing() throws Exception {
        ClientSession client = connect(8, null);
        ServerSession<Calc> server = pair.server;
        CompletableFuture<Object> f = start(client, Calc.ADD, out -> { out.writeInt(1); out.writeInt(2); }, Duration.ofSeconds(1));
        ManualTimer.Task task = timer.pending().get(0);
        server.onMessage(buf(toServer.take()));
        client.onMessage(buf(toClient.take()));
        task.task.run(); // a timer that had already started the task when it was cancelled
        assertThat(f.get()).isEqualTo(3);
        assertThat(toServer.frames).as("no CANCEL for an answered call").isEmpty();
    }

    @Test
    void deadlinePassingWhileWaitingForASlotFailsWithoutSendingAnything() {
        ClientSession client = connect(1, null);
        start(client, Calc.AWAIT, ArgumentWriter.NONE); // takes the only slot
        toServer.take();
        SlotQueue slots = new SlotQueue(client);
        assertThatThrownBy(() -> slots.start(Calc.ADD, out -> { out.writeInt(1); out.writeInt(2); }, Duration.ofMillis(20)))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.DEADLINE_EXCEEDED))
                .hasMessage("Calc.add did not complete within 20 ms (no call slot became free; nothing was sent)");
        assertThatThrownBy(() -> slots.start(Calc.ADD, out -> { out.writeInt(1); out.writeInt(2); }, Duration.ZERO))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.DEADLINE_EXCEEDED))
                .hasMessage("Calc.add did not complete within 0 ms (nothing was sent)");
        assertThat(toServer.frames).as("nothing sent").isEmpty();
        assertThat(timer.tasks()).as("nothing scheduled").isEmpty();
        assertThat(client.inFlight()).isEqualTo(1);
    }

    @Test
    void defaultDeadlineAppliesToCallsWithoutOne() {
        ClientSession client = connect(8, Duration.ofMillis(1500));
        CompletableFuture<Object> f = start(client, Calc.AWAIT, ArgumentWriter.NONE);
        CompletableFuture<Object> own = start(client, Calc.AWAIT, ArgumentWriter.NONE, Duration.ofSeconds(30));
        assertThat(timer.pending()).extracting(t -> t.delay)
                .satisfiesExactly(d -> assertThat(d).isBetween(Duration.ofSeconds(1), Duration.ofMillis(1500)),
                        d -> assertThat(d).isBetween(Duration.ofSeconds(29), Duration.ofSeconds(30)));
        timer.pending().get(0).task.run();
        assertDeadlineExceeded(f, "Calc.await did not complete within 1.5 s");
        assertThat(own).isNotDone();
    }

    @Test
    void explicitCancelStopsTheDeadline() {
        ClientSession client = connect(8, Duration.ofSeconds(5));
        CompletableFuture<Object> f = start(client, Calc.AWAIT, ArgumentWriter.NONE);
        toServer.take();
        f.cancel(true);
        assertThat(Frame.decode(buf(toServer.take()))).isEqualTo(new Frame.Cancel(0));
        assertThat(timer.pending()).isEmpty();
    }

    @Test
    void connectionLossStopsDeadlines() {
        ClientSession client = connect(8, Duration.ofSeconds(5));
        CompletableFuture<Object> f = start(client, Calc.AWAIT, ArgumentWriter.NONE);
        client.onClosed(new RpcException(Status.CONNECTION_LOST, "gone"));
        assertThat(timer.pending()).isEmpty();
        assertThatThrownBy(f::join).cause().isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.status()).isEqualTo(Status.CONNECTION_LOST));
    }

    @Test
    void sessionsWithoutATimerRefuseDeadlines() {
        server(8);
        ClientSession client = new ClientSession(Calc.DESCRIPTOR, toServer, 8, "");
        client.onMessage(buf(toClient.take()));
        assertThatThrownBy(() -> start(client, Calc.AWAIT, ArgumentWriter.NONE, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Timer");
        assertThat(toServer.frames).isEmpty();
        assertThat(client.inFlight()).isZero();
        assertThat(client.defaultDeadline()).isNull();
    }

    @Test
    void defaultDeadlineMustBePositive() {
        assertThatThrownBy(() -> new ClientSession(Calc.DESCRIPTOR, toServer, 8, 16, timer, Duration.ZERO, ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("defaultDeadline: PT0S (expected: > 0)");
    }

    @Test
    void deadlinesReadAsPeopleWriteThem() {
        assertThat(ClientSession.describe(Duration.ofMillis(50))).isEqualTo("50 ms");
        assertThat(ClientSession.describe(Duration.ofNanos(250_000))).isEqualTo("0.25 ms");
        assertThat(ClientSession.describe(Duration.ofMillis(1500))).isEqualTo("1.5 s");
        assertThat(ClientSession.describe(Duration.ofSeconds(30))).isEqualTo("30 s");
        assertThat(ClientSession.describe(Duration.ZERO)).isEqualTo("0 ms");
    }
}
