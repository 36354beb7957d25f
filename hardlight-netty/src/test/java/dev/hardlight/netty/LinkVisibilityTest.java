package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.netty.internal.ClientChannel;
import dev.hardlight.netty.internal.NettyRpcChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A reconnecting client's link, changed on an event loop, is seen by a thread that reads it without
 * a lock (as every call and {@code isOpen()} does). A field that is neither volatile nor read under
 * its lock lets the JIT hoist the read out of a hot loop: the reader spins on the old link for ever.
 */
@ExtendWith(LeakDetection.class)
@Timeout(60)
class LinkVisibilityTest {
    private static final ReconnectPolicy FAST = ReconnectPolicy.builder()
            .initialDelay(Duration.ofMillis(20)).maxDelay(Duration.ofMillis(50)).build();

    @Test
    void aThreadSpinningOnTheLinkSeesItChange() throws Exception {
        try (TestServer server = TestServer.start();
             CounterClient client = HardLight.connect(server.uri(), server.pinned().toBuilder().reconnect(FAST).build(), CounterClient.FACTORY)) {
            ClientChannel channel = (ClientChannel) client.channel();
            for (int round = 0; round < 3; round++) {
                NettyRpcChannel old = channel.link();
                assertThat(old).isNotNull();
                CompletableFuture<Void> seen = new CompletableFuture<>();
                Thread spinner = new Thread(() -> {
                    spinWhileLinkIs(channel, old);
                    seen.complete(null);
                }, "link-spinner");
                spinner.setDaemon(true); // with the race it never ends: let the JVM exit past it
                spinner.start();
                Thread.sleep(200); // long enough for the spin loop to be compiled
                old.closeAbruptly(false);
                seen.get(20, TimeUnit.SECONDS);
                assertThat(client.increment(1)).isPositive();
            }
        }
    }

    /** A hot loop with nothing in it that forces a fresh read but the field's own rules. */
    private static void spinWhileLinkIs(ClientChannel channel, NettyRpcChannel old) {
        while (channel.link() == old) {
            // spin
        }
    }
}
