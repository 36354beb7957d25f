package dev.hardlight.examples.feeds;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class FeedsDemoTest {

    @Test
    void threeFeedsStreamTradesAndTheDroppedOneIsReconnected() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FeedStats stats = FeedsDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), 4);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(java.util.Arrays.stream(stats.trades).min().orElseThrow()).isGreaterThan(100);
        assertThat(stats.connects[0]).as("BTC reconnected after the drop").isEqualTo(2);
        assertThat(stats.connects[1]).isEqualTo(1);
        assertThat(stats.disconnects[0]).isEqualTo(1);
        assertThat(java.util.Arrays.stream(stats.lastPriceMicros).min().orElseThrow()).isPositive();
        assertThat(out).contains("dropping the BTCUSDT connection").contains("BTCUSDT disconnected (CLOSED 1006");
    }
}
