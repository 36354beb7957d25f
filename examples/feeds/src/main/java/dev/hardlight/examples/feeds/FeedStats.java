package dev.hardlight.examples.feeds;

/** The user context the three feeds share: counters per feed, written on the polling thread only. */
final class FeedStats {
    final String[] symbols;
    final long[] trades;
    final long[] lastPriceMicros;
    final long[] latencySumNanos;
    final long[] maxLatencyNanos;
    final int[] connects;
    final int[] disconnects;
    final String[] lastDisconnect;

    FeedStats(String... symbols) {
        this.symbols = symbols;
        int n = symbols.length;
        trades = new long[n];
        lastPriceMicros = new long[n];
        latencySumNanos = new long[n];
        maxLatencyNanos = new long[n];
        connects = new int[n];
        disconnects = new int[n];
        lastDisconnect = new String[n];
    }
}
