package dev.hardlight.examples.feeds;

import dev.hardlight.stream.IoService;
import dev.hardlight.stream.SelectorKind;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * {@code ./hardlight demo feeds [SECONDS]}: a local market-data simulator streams trades of three instruments;
 * one thread consumes the three feeds through an {@link IoService} (the caller's thread, an Agrona idle
 * strategy between polls), printing each second the trades received, the last price and the latency from the
 * simulator's send to the client's read. Halfway through, the simulator drops the BTC feed: the service
 * reconnects it and the endpoint subscribes again.
 */
public final class FeedsDemo {
    private FeedsDemo() {}

    public static void main(String[] args) throws Exception {
        run(System.out, args.length > 0 ? Integer.parseInt(args[0]) : 6);
    }

    /** Runs for {@code seconds}, printing to {@code out}; returns the stats. */
    static FeedStats run(PrintStream out, int seconds) throws Exception {
        String[] symbols = {"btcusdt", "ethusdt", "xrpusdt"};
        FeedStats stats = new FeedStats(symbols);
        try (MarketSimulator simulator = new MarketSimulator();
             IoService<FeedStats> io = IoService.builder(stats)
                     .selector(SelectorKind.NIO)
                     .reconnectBackoff(Duration.ofMillis(50), Duration.ofSeconds(2))
                     .build()) {
            URI uri = URI.create("ws://127.0.0.1:" + simulator.port() + "/ws");
            out.println("Market simulator on " + uri + "; three feeds on one thread (" + Thread.currentThread().getName() + ")");
            for (int i = 0; i < symbols.length; i++) {
                io.register(new TradeFeed(uri, symbols[i], i));
            }
            IdleStrategy idle = new BackoffIdleStrategy();
            long start = System.nanoTime();
            long nextReport = start + 1_000_000_000L;
            boolean dropped = false;
            long[] lastTrades = new long[symbols.length];
            long[] lastLatency = new long[symbols.length];
            for (int second = 1; second <= seconds; ) {
                idle.idle(io.poll());
                long now = System.nanoTime();
                if (!dropped && now - start > seconds * 500_000_000L) {
                    dropped = true;
                    out.println("  simulator: dropping the BTCUSDT connection");
                    simulator.dropAll("BTCUSDT");
                }
                if (now - nextReport >= 0) {
                    report(out, second, stats, lastTrades, lastLatency);
                    nextReport += 1_000_000_000L;
                    second++;
                }
            }
        }
        return stats;
    }

    private static void report(PrintStream out, int second, FeedStats stats, long[] lastTrades, long[] lastLatency) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%2d s", second));
        for (int i = 0; i < stats.symbols.length; i++) {
            long trades = stats.trades[i] - lastTrades[i];
            double avgMicros = trades == 0 ? 0 : (stats.latencySumNanos[i] - lastLatency[i]) / 1000.0 / trades;
            lastLatency[i] = stats.latencySumNanos[i];
            line.append(String.format(Locale.ROOT, " | %s %4d trades, last %.4f, latency %.0f us, connects %d",
                    stats.symbols[i].toUpperCase(Locale.ROOT), trades, stats.lastPriceMicros[i] / 1e6, avgMicros, stats.connects[i]));
            lastTrades[i] = stats.trades[i];
        }
        out.println(line);
        for (int i = 0; i < stats.symbols.length; i++) {
            if (stats.lastDisconnect[i] != null) {
                out.println("     " + stats.symbols[i].toUpperCase(Locale.ROOT) + " disconnected (" + stats.lastDisconnect[i]
                        + "), reconnected by the service");
                stats.lastDisconnect[i] = null;
            }
        }
    }
}
