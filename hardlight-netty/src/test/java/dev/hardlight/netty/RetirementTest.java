package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.netty.internal.ClientChannel;
import dev.hardlight.netty.internal.NettyRpcChannel;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A connection replaced for its age stays open while a call it sent is running, and closes as soon as
 * that call is answered (its session signals it), not at the end of the 30-second bound.
 */
@ExtendWith(LeakDetection.class)
@Timeout(60)
class RetirementTest {

    @Test
    void aReplacedConnectionClosesOnceItsLastCallIsAnswered() throws Exception {
        BlockingQueue<ConnectionEvent> lifecycle = new LinkedBlockingQueue<>();
        try (TestServer server = TestServer.start();
             CounterClient client = HardLight.connect(server.uri(), server.pinned().toBuilder()
                     .reconnectAfter(Duration.ofSeconds(1)).connectionListener(lifecycle::add).build(), CounterClient.FACTORY)) {
            ClientChannel channel = (ClientChannel) client.channel();
            assertThat(lifecycle.poll(10, TimeUnit.SECONDS)).isInstanceOf(ConnectionEvent.Connecting.class);
            assertThat(lifecycle.poll(10, TimeUnit.SECONDS)).isEqualTo(new ConnectionEvent.Connected(false));
            NettyRpcChannel old = channel.link();
            CompletableFuture<Integer> running = client.blockAsync(7);
            assertThat(server.blocked.tryAcquire(10, TimeUnit.SECONDS)).as("the call runs on the old connection").isTrue();

            ConnectionEvent e;
            do {
                e = lifecycle.poll(10, TimeUnit.SECONDS);
            } while (e instanceof ConnectionEvent.Reconnecting);
            assertThat(e).isEqualTo(new ConnectionEvent.Connected(true));
            assertThat(channel.link()).as("replaced").isNotSameAs(old);
            Thread.sleep(300); // time enough for a retirement that did not wait for the call
            assertThat(old.isOpen()).as("kept open while its call runs").isTrue();

            server.release.countDown();
            assertThat(running.get(10, TimeUnit.SECONDS)).isEqualTo(7);
            // the 30-second bound would take far longer: this is the session's signal
            Await.until("the old connection closed", Duration.ofSeconds(5), () -> !old.isOpen());
            assertThat(client.increment(1)).as("the new connection serves").isEqualTo(1);
        }
    }
}
