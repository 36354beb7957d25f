package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.netty.internal.Transports;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A blocking call made on any Netty I/O thread (not only the client's own: a server's, running a
 * {@code @NonBlocking} handler inline, say) is refused at once rather than stalling the loop.
 */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class IoThreadCallTest {
    @Test
    void blockingCallOnAnyNettyEventLoopIsRefusedAndTheAsyncFormWorks() throws Exception {
        EventLoopGroup other = Transports.newGroup(1, "not-the-client", true);
        try (TestServer server = TestServer.start(); CounterClient client = server.connect()) {
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> other.submit(() -> client.increment(1)).get(10, TimeUnit.SECONDS));
            assertThat(e.getCause()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("blocking call of increment on a Netty I/O thread")
                    .hasMessageContaining("use incrementAsync");
            assertThat(other.submit(() -> client.incrementAsync(2)).get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS))
                    .isEqualTo(2);
        } finally {
            other.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
