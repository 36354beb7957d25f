package dev.hardlight.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.service.ArgumentWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The sessions signal when their last call in flight ends and when the server goes away, so a
 * transport neither polls them nor checks them after every message.
 */
@Timeout(30)
class SessionSignalsTest {
    private final MemoryPipe toServer = new MemoryPipe();
    private final MemoryPipe toClient = new MemoryPipe();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch entered = new CountDownLatch(2);
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

    private static ByteBuf buf(byte[] b) {
        return Unpooled.wrappedBuffer(b);
    }

    @Test
    void serverSignalsOnceTheLastAnswerIsSent() throws Exception {
        ServerSession<Calc> server = server();
        ClientSession client = new ClientSession(Calc.DESCRIPTOR, toServer, 8, "");
        client.onMessage(buf(toClient.take())); // hello
        LinkedBlockingQueue<Integer> answersSentAtSignal = new LinkedBlockingQueue<>();
        server.onIdle(() -> answersSentAtSignal.add(toClient.frames.size()));

        client.start(Calc.AWAIT, ArgumentWriter.NONE);
        client.start(Calc.AWAIT, ArgumentWriter.NONE);
        server.onMessage(buf(toServer.take()));
        server.onMessage(buf(toServer.take()));
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(answersSentAtSignal).as("two calls in flight: no signal").isEmpty();

        release.countDown();
        assertThat(answersSentAtSignal.poll(5, TimeUnit.SECONDS)).as("both answers sent when it signals").isEqualTo(2);
        assertThat(server.inFlight()).isZero();
        assertThat(answersSentAtSignal.poll(200, TimeUnit.MILLISECONDS)).as("signalled once").isNull();
    }

    @Test
    void clientSignalsWhenItsLastCallIsAnswered() throws Exception {
        ServerSession<Calc> server = server();
        ClientSession client = new ClientSession(Calc.DESCRIPTOR, toServer, 8, "");
        client.onMessage(buf(toClient.take())); // hello
        AtomicInteger signals = new AtomicInteger();
        client.onIdle(signals::incrementAndGet);

        CompletableFuture<Object> first = client.start(Calc.AWAIT, ArgumentWriter.NONE);
        CompletableFuture<Object> second = client.start(Calc.AWAIT, ArgumentWriter.NONE);
        server.onMessage(buf(toServer.take()));
        server.onMessage(buf(toServer.take()));
        assertThat(client.inFlight()).isEqualTo(2);

        release.countDown();
        client.onMessage(buf(toClient.take()));
        assertThat(client.inFlight()).isEqualTo(1);
        assertThat(signals).as("one call still in flight").hasValue(0);
        client.onMessage(buf(toClient.take()));
        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(42);
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo(42);
        assertThat(client.inFlight()).isZero();
        assertThat(signals).as("the last call ended").hasValue(1);
    }

    @Test
    void clientSignalsOnceWhenTheServerGoesAway() {
        ServerSession<Calc> server = server();
        ClientSession client = new ClientSession(Calc.DESCRIPTOR, toServer, 8, "");
        client.onMessage(buf(toClient.take())); // hello
        LinkedBlockingQueue<String> reasonAtSignal = new LinkedBlockingQueue<>();
        client.whenGoingAway(() -> reasonAtSignal.add(String.valueOf(client.goAwayReason())));

        client.start(Calc.ADD, out -> {
            out.writeInt(1);
            out.writeInt(2);
        });
        server.onMessage(buf(toServer.take()));
        client.onMessage(buf(toClient.take())); // the answer: no signal
        assertThat(reasonAtSignal).isEmpty();

        server.goAway("deploying");
        client.onMessage(buf(toClient.take()));
        assertThat(reasonAtSignal).containsExactly("deploying");
    }
}
