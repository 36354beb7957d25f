package dev.hardlight.examples.feeds;

import dev.hardlight.stream.Disconnect;
import dev.hardlight.stream.Endpoint;
import dev.hardlight.stream.Frame;
import dev.hardlight.stream.WebSocket;
import java.net.URI;
import org.agrona.DirectBuffer;

/**
 * One instrument's trade feed: subscribes when connected, and reads each trade's price and send time straight
 * from the frame's bytes (no String, no allocation) into its {@link FeedStats} slot of the shared context.
 */
final class TradeFeed implements Endpoint<FeedStats> {

    private static final byte[] PRICE = "\"p\":\"".getBytes();
    private static final byte[] SENT = "\"n\":".getBytes();

    private final URI uri;
    private final String symbol;
    private final int slot;

    TradeFeed(URI uri, String symbol, int slot) {
        this.uri = uri;
        this.symbol = symbol;
        this.slot = slot;
    }

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public void onConnected(WebSocket ws, FeedStats stats) {
        stats.connects[slot]++;
        ws.sendText("{\"method\":\"SUBSCRIBE\",\"params\":[\"" + symbol + "@trade\"],\"id\":1}");
    }

    @Override
    public void onFrame(WebSocket ws, Frame frame, FeedStats stats) {
        DirectBuffer b = frame.buffer();
        int start = frame.offset();
        int end = start + frame.length();
        int p = indexOf(b, start, end, PRICE);
        int n = indexOf(b, start, end, SENT);
        if (p < 0 || n < 0) {
            return; // the subscription's acknowledgement
        }
        stats.trades[slot]++;
        stats.lastPriceMicros[slot] = parseMicros(b, p, end);
        long latency = frame.receiveTimeNanos() - parseLong(b, n, end);
        stats.latencySumNanos[slot] += latency;
        stats.maxLatencyNanos[slot] = Math.max(stats.maxLatencyNanos[slot], latency);
    }

    @Override
    public boolean canReconnect(Disconnect disconnect, FeedStats stats) {
        stats.disconnects[slot]++;
        stats.lastDisconnect[slot] = disconnect.toString();
        return true;
    }

    /** Where the value after {@code key} starts, or -1. */
    private static int indexOf(DirectBuffer b, int from, int end, byte[] key) {
        outer:
        for (int i = from; i + key.length <= end; i++) {
            for (int k = 0; k < key.length; k++) {
                if (b.getByte(i + k) != key[k]) {
                    continue outer;
                }
            }
            return i + key.length;
        }
        return -1;
    }

    private static long parseMicros(DirectBuffer b, int at, int end) {
        long value = 0;
        int decimals = -1;
        for (int i = at; i < end; i++) {
            byte c = b.getByte(i);
            if (c == '.') {
                decimals = 0;
            } else if (c >= '0' && c <= '9') {
                if (decimals < 6) {
                    value = value * 10 + (c - '0');
                    if (decimals >= 0) {
                        decimals++;
                    }
                }
            } else {
                break;
            }
        }
        for (int d = Math.max(decimals, 0); d < 6; d++) {
            value *= 10;
        }
        return value;
    }

    private static long parseLong(DirectBuffer b, int at, int end) {
        long value = 0;
        for (int i = at; i < end; i++) {
            byte c = b.getByte(i);
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
