package dev.hardlight.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.service.ArgumentWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * GO_AWAY: the server announces its shutdown, refuses new calls and lets calls in flight finish.
 * Single-threaded on a {@link SessionPair}: a call "still running" is a handler run not run yet.
 */
@Timeout(10)
class GoAwayTest {
    private final SessionPair<Calc> pair = SessionPair.connected(Calc.DESCRIPTOR, new Calc.Simple());

    private static ByteBuf buf(byte[] b) {
        return Unpooled.wrappedBuffer(b);
    }

    private Frame nextToClient() {
        byte[] frame = pair.toClient.frames.poll();
        assertThat(frame).as("a frame to the client").isNotNull();
        return Frame.decode(buf(frame));
    }

    @Test
    void serverSendsGoAwayOnceRefusesNewCallsAndLetsCallsInFlightFinish() {
        pair.start(Calc.AWAIT, ArgumentWriter.NONE); // call 0
        pair.toServerOne();
        assertThat(pair.handlerRuns).as("call 0 is running").hasSize(1);

        pair.server.goAway("maintenance");
        pair.server.goAway("again");
        assertThat(nextToClient()).isEqualTo(new Frame.GoAway("maintenance"));
        assertThat(pair.server.goAwayReason()).isEqualTo("maintenance");

        pair.start(Calc.ADD, out -> { out.writeInt(1); out.writeInt(2); }); // call 1, crossing the GO_AWAY
        pair.toServerOne();
        assertThat(nextToClient()).isEqualTo(new Frame.Error(1, Status.UNAVAILABLE, "server is shutting down: maintenance", 0));
        assertThat(pair.handlerRuns).as("the refused call never runs").hasSize(1);
        assertThat(pair.server.inFlight()).as("the call in flight is still running").isEqualTo(1);

        pair.runHandlerOne();
        assertThat(nextToClient()).isEqualTo(new Frame.Result(0, new byte[] {84}));
        assertThat(pair.server.inFlight()).as("drained: the transport may close now").isZero();
        assertThat(pair.toClient.frames).as("GO_AWAY was sent once").isEmpty();
    }

    @Test
    void goAwayAfterTheConnectionClosedSendsNothing() {
        pair.server.onClosed();
        pair.server.goAway("late");
        assertThat(pair.toClient.frames).isEmpty();
    }

    @Test
    void clientFailsNewCallsLocallyAfterGoAwayAndPendingCallsStillComplete() {
        assertThat(pair.client.goAwayReason()).isNull();
        CompletableFuture<Object> pending = pair.start(Calc.AWAIT, ArgumentWriter.NONE);
        pair.toServerOne();

        pair.server.goAway("deploying v2");
        pair.toClientOne();
        assertThat(pair.client.goAwayReason()).isEqualTo("deploying v2");
        assertThatThrownBy(() -> pair.client.tryStart(Calc.ADD, out -> { out.writeInt(1); out.writeInt(2); }, null))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNAVAILABLE))
                .hasMessage("server is shutting down: deploying v2");
        assertThat(pair.toServer.frames).as("the refused call was not sent").isEmpty();

        pair.settle();
        assertThat(pending).isCompletedWithValue(42);
        assertThat(pair.client.inFlight()).isZero();
    }

    @Test
    void callThatCrossedTheGoAwayIsAnsweredUnavailable() {
        CompletableFuture<Object> crossing = pair.start(Calc.ADD, out -> { out.writeInt(1); out.writeInt(2); });
        pair.server.goAway("bye");
        pair.settle(); // the call reaches the server after its GO_AWAY; the client gets GO_AWAY, then the answer
        assertThat(pair.client.goAwayReason()).isEqualTo("bye");
        assertThatThrownBy(crossing::join).cause()
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNAVAILABLE))
                .hasMessage("server is shutting down: bye");
    }

    @Test
    void longReasonsAreCut() {
        pair.server.goAway("x".repeat(5000));
        Frame.GoAway g = (Frame.GoAway) nextToClient();
        assertThat(g.reason()).hasSize(Frames.MAX_ERROR_MESSAGE_CHARS + 3).endsWith("...");
    }
}
