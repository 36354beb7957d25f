package dev.hardlight.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.hardlight.internal.protocol.SessionPair.start;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.service.ArgumentWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** GO_AWAY: the server announces its shutdown, refuses new calls and lets calls in flight finish. */
class GoAwayTest {
    private final MemoryPipe toServer = new MemoryPipe();
    private final MemoryPipe toClient = new MemoryPipe();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    private final Calc handler = new Calc.Simple() {
        @Override
        public int await() throws InterruptedException {
            entered.countDown();
            release.await();
            return 42;
        }
    };

    @AfterEach
    void stop() {
        release.countDown();
        threads.close();
    }

    private ServerSession<Calc> server() {
        ServerSession<Calc> s = new ServerSession<>(Calc.DESCRIPTOR, handler, toClient, threads, 8, 1 << 20, "");
        s.start();
        return s;
    }

    private ClientSession client() {
        ClientSession c = new ClientSession(Calc.DESCRIPTOR, toServer, 8, "");
        c.onMessage(buf(toClient.take()));
        return c;
    }

    private static ByteBuf buf(byte[] b) {
        return Unpooled.wrappedBuffer(b);
    }

    @Test
    void serverSendsGoAwayOnceRefusesNewCallsAndLetsCallsInFlightFinish() throws Exception {
        ServerSession<Calc> server = server();
        toClient.take(); // hello
        server.onMessage(buf(ByteBufUtil.decodeHexDump("020003"))); // await() as call 0
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

        server.goAway("maintenance");
        server.goAway("again");
        assertThat(Frame.decode(buf(toClient.take()))).isEqualTo(new Frame.GoAway("maintenance"));
        assertThat(server.goAwayReason()).isEqualTo("maintenance");

        server.onMessage(buf(ByteBufUtil.decodeHexDump("0201000204"))); // add(1, 2) as call 1
        assertThat(Frame.decode(buf(toClient.take())))
                .isEqualTo(new Frame.Error(1, Status.UNAVAILABLE, "server is shutting down: maintenance", 0));
        assertThat(server.inFlight()).as("the call in flight is still running").isEqualTo(1);

        release.countDown();
        assertThat(Frame.decode(buf(toClient.take()))).isEqualTo(new Frame.Result(0, new byte[] {84}));
        assertThat(server.inFlight()).as("drained: the transport may close now").isZero();
        assertThat(toClient.frames).as("GO_AWAY was sent once").isEmpty();
    }

    @Test
    void goAwayAfterTheConnectionClosedSendsNothing() {
        ServerSession<Calc> server = server();
        toClient.take();
        server.onClosed();
        server.goAway("late");
        assertThat(toClient.frames).isEmpty();
    }

    @Test
    void clientFailsNewCallsLocallyAfterGoAwayAndPendingCallsStillComplete() throws Exception {
        ServerSession<Calc> server = server();
        ClientSession client = client();
        assertThat(client.goAwayReason()).isNull();
        CompletableFuture<Object> pending = start(client, Calc.AWAIT, ArgumentWriter.NONE);
        server.onMessage(buf(toServer.take()));
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

        server.goAway("deploying v2");
        client.onMessage(buf(toClient.take()));
        assertThat(client.goAwayReason()).isEqualTo("deploying v2");
        assertThatThrownBy(() -> start(client, Calc.ADD, out -> { out.writeInt(1); out.writeInt(2); }))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNAVAILABLE))
                .hasMessage("server is shutting down: deploying v2");
        assertThat(toServer.frames).as("the refused call was not sent").isEmpty();

        release.countDown();
        client.onMessage(buf(toClient.take()));
        assertThat(pending.get(5, TimeUnit.SECONDS)).isEqualTo(42);
        assertThat(client.inFlight()).isZero();
    }

    @Test
    void callThatCrossedTheGoAwayIsAnsweredUnavailable() {
        ServerSession<Calc> server = server();
        ClientSession client = client();
        CompletableFuture<Object> crossing = start(client, Calc.ADD, out -> { out.writeInt(1); out.writeInt(2); });
        server.goAway("bye");
        server.onMessage(buf(toServer.take()));
        client.onMessage(buf(toClient.take())); // GO_AWAY
        client.onMessage(buf(toClient.take())); // the call's answer
        assertThatThrownBy(crossing::join).cause()
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNAVAILABLE))
                .hasMessage("server is shutting down: bye");
    }

    @Test
    void longReasonsAreCut() {
        ServerSession<Calc> server = server();
        toClient.take();
        server.goAway("x".repeat(5000));
        Frame.GoAway g = (Frame.GoAway) Frame.decode(buf(toClient.take()));
        assertThat(g.reason()).hasSize(Frames.MAX_ERROR_MESSAGE_CHARS + 3).endsWith("...");
    }
}
