package dev.hardlight.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.hardlight.internal.protocol.SessionPair.start;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.codec.Codecs;
import dev.hardlight.service.MethodDescriptor;
import dev.hardlight.service.ServiceDescriptor;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Methods marked non-blocking run on the session's non-blocking executor (inline, here), the others on
 * its executor (a queue the test runs by hand): so which one ran a call is visible in whether its
 * answer is out when {@code onMessage} returns.
 */
@Timeout(10)
class NonBlockingDispatchTest {
    private MemoryPipe toServer;
    private MemoryPipe toClient;
    /** The executor's runs, which the test runs by hand ({@link SessionPair#handlerRuns}). */
    private java.util.Queue<Runnable> queued;

    /** add and check are marked non-blocking; echo and await are not. */
    private final MethodDescriptor<Integer> add = new MethodDescriptor<>(0, "add", 0x1111L, Codecs.INT, List.of(),
            null, false, true);
    private final MethodDescriptor<Void> check = new MethodDescriptor<>(1, "check", 0x2222L, Codecs.VOID,
            Calc.CHECK.declaredErrors(), null, false, true);
    private final ServiceDescriptor<Calc> service = new ServiceDescriptor<>(Calc.class, "Calc", Calc.sha256("nb"), "nb",
            List.of(add, check, Calc.ECHO, Calc.AWAIT), Calc.DISPATCHER);

    private final Calc handler = new Calc.Simple() {
        @Override
        public void check(String s) throws CalcException {
            if (s.equals("app")) {
                throw new CalcException("no: " + s);
            }
            throw new IllegalStateException("broke on " + s);
        }
    };

    private ServerSession<Calc> server;
    private ClientSession client;

    private void connect() {
        SessionPair<Calc> pair = SessionPair.withServer(service, p -> {
            ServerSession<Calc> s = ServerSession.open(service, c -> handler,
                    new TopicRegistry<>(null, p.toClient.alloc(), null, Runnable::run),
                    new ServerSession.Admission(1, null, null, Set.of(), null), p.toClient, p::runLater, Runnable::run,
                    8, 1 << 20, "");
            s.sendErrorDetails(true); // the test asserts the failure's message
            return s;
        });
        server = pair.server;
        client = pair.client;
        toServer = pair.toServer;
        toClient = pair.toClient;
        queued = pair.handlerRuns;
    }

    /** Sends the call to the server; returns whether its answer was out by the time onMessage returned. */
    private boolean deliver() {
        server.onMessage(Unpooled.wrappedBuffer(toServer.take()));
        return !toClient.frames.isEmpty();
    }

    private Object answer(CompletableFuture<Object> f) throws Exception {
        client.onMessage(Unpooled.wrappedBuffer(toClient.take()));
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    @Test
    void markedMethodsRunInlineAndOthersOnTheExecutor() throws Exception {
        connect();
        CompletableFuture<Object> sum = start(client, add, out -> {
            out.writeInt(2);
            out.writeInt(3);
        });
        assertThat(deliver()).as("add answered inline").isTrue();
        assertThat(queued).isEmpty();
        assertThat(answer(sum)).isEqualTo(5);
        assertThat(server.inFlight()).isZero();

        CompletableFuture<Object> echo = start(client, Calc.ECHO, out -> out.writeString("hi"));
        assertThat(deliver()).as("echo is not marked: not answered before its executor runs it").isFalse();
        assertThat(queued).hasSize(1);
        assertThat(server.inFlight()).isOne();
        queued.remove().run();
        assertThat(answer(echo)).isEqualTo("hi");
    }

    @Test
    void aMarkedMethodThatThrowsIsAnsweredWithItsError() throws Exception {
        connect();
        CompletableFuture<Object> declared = start(client, check, out -> out.writeString("app"));
        assertThat(deliver()).isTrue();
        assertThatThrownBy(() -> answer(declared)).isInstanceOf(Calc.CalcException.class).hasMessage("no: app");
        CompletableFuture<Object> crash = start(client, check, out -> out.writeString("x"));
        assertThat(deliver()).isTrue();
        assertThatThrownBy(() -> answer(crash)).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.status()).isEqualTo(Status.INTERNAL)).hasMessageContaining("broke on x");
        assertThat(server.inFlight()).isZero();
        assertThat(queued).isEmpty();
    }
}
