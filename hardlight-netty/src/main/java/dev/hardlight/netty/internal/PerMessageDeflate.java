package dev.hardlight.netty.internal;

import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketClientExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilter;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateClientExtensionHandshaker;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;

/**
 * permessage-deflate (RFC 7692), negotiated by the standard {@code Sec-WebSocket-Extensions} header:
 * messages of at least the threshold are compressed, smaller ones are sent as they are, and a
 * received message may inflate to at most the message size limit: the inflater of each frame stops
 * a little past the limit ({@link #INFLATE_SLACK}; beyond it the decoder fails with a
 * {@code DecompressionException}, which the frame handler answers with 1009), and the frame
 * handler (a whole message) or the frame aggregator (a fragmented one) enforce the exact limit.
 */
public final class PerMessageDeflate {
    /** The deflate level: zlib's default, a good balance of speed and size. */
    static final int LEVEL = 6;
    /** Largest LZ77 window (2^15), which every peer accepts. */
    private static final int WINDOW_BITS = 15;

    /**
     * Added to the limit for Netty's inflater, which refuses output once less than its 512-byte
     * minimum growth step is left below its cap; the exact limit is enforced after inflating.
     */
    static final int INFLATE_SLACK = 1024;

    private PerMessageDeflate() {}

    /** The server's negotiation handler; sits between the HTTP aggregator and the upgrade handler. */
    static ChannelHandler server(int thresholdBytes, int maxInflatedBytes) {
        return new WebSocketServerExtensionHandler(new PerMessageDeflateServerExtensionHandshaker(LEVEL, false,
                WINDOW_BITS, false, false, filters(thresholdBytes), cap(maxInflatedBytes)));
    }

    /** The client's negotiation handler: offers the extension in the upgrade request. */
    static ChannelHandler client(int thresholdBytes, int maxInflatedBytes) {
        return new WebSocketClientExtensionHandler(new PerMessageDeflateClientExtensionHandshaker(LEVEL, false,
                WINDOW_BITS, false, false, filters(thresholdBytes), cap(maxInflatedBytes)));
    }

    private static int cap(int maxInflatedBytes) {
        return (int) Math.min(Integer.MAX_VALUE, (long) maxInflatedBytes + INFLATE_SLACK);
    }

    private static WebSocketExtensionFilterProvider filters(int thresholdBytes) {
        WebSocketExtensionFilter small = (WebSocketFrame frame) -> frame.content().readableBytes() < thresholdBytes;
        return new WebSocketExtensionFilterProvider() {
            @Override
            public WebSocketExtensionFilter encoderFilter() {
                return small;
            }

            @Override
            public WebSocketExtensionFilter decoderFilter() {
                return WebSocketExtensionFilter.NEVER_SKIP;
            }
        };
    }
}
