package dev.hardlight.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.service.ArgumentWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The sessions signal when their last call in flight ends, when a call slot frees and when the server
 * goes away, so a transport neither polls them, nor checks them after every message, nor has a session
 * block its callers. Single-threaded, on a {@link SessionPair}.
 */
@Timeout(30)
class SessionSignalsTest {
    private final Calc handler = new Calc.Simple();

    @Test
    void serverSignalsOnceTheLastAnswerIsSent() {
        SessionPair<Calc> pair = SessionPair.connected(Calc.DESCRIPTOR, handler);
        List<Integer> answersSentAtSignal = new ArrayList<>();
        pair.server.onIdle(() -> answersSentAtSignal.add(pair.toClient.frames.size()));

        pair.start(Calc.AWAIT, ArgumentWriter.NONE);
        pair.start(Calc.AWAIT, ArgumentWriter.NONE);
        assertThat(pair.toServerOne()).isTrue();
        assertThat(pair.toServerOne()).isTrue();
        assertThat(pair.server.inFlight()).isEqualTo(2);

        assertThat(pair.runHandlerOne()).isTrue();
        assertThat(answersSentAtSignal).as("one call still in flight: no signal").isEmpty();
        assertThat(pair.runHandlerOne()).isTrue();
        assertThat(answersSentAtSignal).as("signalled once, with both answers sent").containsExactly(2);
        assertThat(pair.server.inFlight()).isZero();
    }

    @Test
    void serverSignalsOnlyAfterEveryAnswerIsSentWhenAnswersOverlap() {
        // Two handlers answering at the same moment on two threads, made deterministic: the second call
        // is answered, whole, while the first answer is on its way out (inside its send). The signal must
        // wait for the first answer too: a drain closing the connection on it would lose that answer.
        Runnable[] duringFirstAnswer = new Runnable[1];
        SessionPair<Calc> pair = SessionPair.withServer(Calc.DESCRIPTOR, p -> new ServerSession<>(Calc.DESCRIPTOR, handler,
                new Outbound() {
                    @Override
                    public io.netty.buffer.ByteBufAllocator alloc() {
                        return p.toClient.alloc();
                    }

                    @Override
                    public void send(io.netty.buffer.ByteBuf frame) {
                        Runnable hook = duringFirstAnswer[0];
                        if (hook != null && frame.getByte(frame.readerIndex()) == FrameType.RESULT) {
                            duringFirstAnswer[0] = null;
                            hook.run();
                        }
                        p.toClient.send(frame);
                    }

                    @Override
                    public void close(int code, String reason) {
                        p.toClient.close(code, reason);
                    }
                }, p::runLater, InFlight.DEFAULT, 1 << 20, "[server] "));
        List<Integer> answersSentAtSignal = new ArrayList<>();
        pair.server.onIdle(() -> answersSentAtSignal.add(pair.toClient.frames.size()));
        pair.start(Calc.AWAIT, ArgumentWriter.NONE);
        pair.start(Calc.AWAIT, ArgumentWriter.NONE);
        pair.toServerOne();
        pair.toServerOne();

        duringFirstAnswer[0] = () -> assertThat(pair.runHandlerOne()).isTrue();
        assertThat(pair.runHandlerOne()).isTrue();

        assertThat(answersSentAtSignal).as("one signal, after both answers were sent").containsExactly(2);
        assertThat(pair.server.inFlight()).isZero();
    }

    @Test
    void clientSignalsWhenItsLastCallIsAnswered() throws Exception {
        SessionPair<Calc> pair = SessionPair.connected(Calc.DESCRIPTOR, handler);
        AtomicInteger signals = new AtomicInteger();
        pair.client.onIdle(signals::incrementAndGet);

        CompletableFuture<Object> first = pair.start(Calc.AWAIT, ArgumentWriter.NONE);
        CompletableFuture<Object> second = pair.start(Calc.AWAIT, ArgumentWriter.NONE);
        pair.toServerOne();
        pair.toServerOne();
        pair.runHandlerOne();
        pair.runHandlerOne();
        assertThat(pair.client.inFlight()).isEqualTo(2);

        pair.toClientOne();
        assertThat(pair.client.inFlight()).isEqualTo(1);
        assertThat(signals).as("one call still in flight").hasValue(0);
        pair.toClientOne();
        assertThat(first).isCompletedWithValue(42);
        assertThat(second).isCompletedWithValue(42);
        assertThat(pair.client.inFlight()).isZero();
        assertThat(signals).as("the last call ended").hasValue(1);
    }

    @Test
    void clientSignalsOnceWhenTheServerGoesAway() {
        SessionPair<Calc> pair = SessionPair.connected(Calc.DESCRIPTOR, handler);
        List<String> reasonAtSignal = new ArrayList<>();
        pair.client.whenGoingAway(() -> reasonAtSignal.add(String.valueOf(pair.client.goAwayReason())));

        pair.start(Calc.ADD, out -> {
            out.writeInt(1);
            out.writeInt(2);
        });
        pair.settle(); // the answer: no signal
        assertThat(reasonAtSignal).isEmpty();

        pair.server.goAway("deploying");
        pair.settle();
        assertThat(reasonAtSignal).containsExactly("deploying");
    }

    @Test
    void aFullClientRefusesTheCallWithoutWaitingAndSignalsWhenASlotFrees() {
        SessionPair<Calc> pair = SessionPair.connected(Calc.DESCRIPTOR, handler, 1, null);
        AtomicInteger slotSignals = new AtomicInteger();
        pair.client.onSlotFree(slotSignals::incrementAndGet);
        CompletableFuture<Object> first = pair.start(Calc.AWAIT, ArgumentWriter.NONE);

        assertThat(pair.client.tryStart(Calc.ECHO, out -> out.writeString("b"), null)).as("no slot: no call").isNull();
        assertThat(pair.toServer.frames).as("only the first call was sent").hasSize(1);
        assertThat(pair.client.inFlight()).isEqualTo(1);
        assertThat(slotSignals).hasValue(0);

        pair.settle();
        assertThat(first).isCompletedWithValue(42);
        assertThat(slotSignals).as("the answer freed the slot").hasValue(1);
        CompletableFuture<Object> second = pair.client.tryStart(Calc.ECHO, out -> out.writeString("b"), null);
        assertThat(second).isNotNull();
        pair.settle();
        assertThat(second).isCompletedWithValue("b");
        assertThat(slotSignals).hasValue(2);
    }

    @Test
    void aStartThatSendsNothingGivesItsSlotBackAndSignals() {
        SessionPair<Calc> pair = SessionPair.connected(Calc.DESCRIPTOR, handler, 1, null);
        AtomicInteger slotSignals = new AtomicInteger();
        AtomicInteger idleSignals = new AtomicInteger();
        pair.client.onSlotFree(slotSignals::incrementAndGet);
        pair.client.onIdle(idleSignals::incrementAndGet);
        pair.client.interceptors(List.of(call -> {
            throw new IllegalStateException("refused by an interceptor");
        }));

        assertThatThrownBy(() -> pair.client.tryStart(Calc.AWAIT, ArgumentWriter.NONE, null))
                .isInstanceOf(IllegalStateException.class).hasMessage("refused by an interceptor");
        assertThat(pair.toServer.frames).isEmpty();
        assertThat(pair.client.inFlight()).as("the reserved slot is free again").isZero();
        assertThat(slotSignals).hasValue(1);
        assertThat(idleSignals).as("no call ended: it never started").hasValue(0);
    }

    @Test
    void closingTheClientSignalsTheSlotListenerSoWaitersWakeAndFail() {
        SessionPair<Calc> pair = SessionPair.connected(Calc.DESCRIPTOR, handler, 1, null);
        List<String> signals = new ArrayList<>();
        pair.start(Calc.AWAIT, ArgumentWriter.NONE);
        pair.client.onSlotFree(() -> {
            try {
                signals.add("started " + pair.client.tryStart(Calc.AWAIT, ArgumentWriter.NONE, null));
            } catch (RpcException e) {
                signals.add(e.status() + " " + e.getMessage());
            }
        });

        pair.client.onClosed(new RpcException(Status.CONNECTION_LOST, "gone"));
        assertThat(signals).as("a waiter woken by the signal finds the session closed").containsExactly("CONNECTION_LOST gone");
        assertThat(pair.toServer.frames).as("only the first call").hasSize(1);
    }
}
