package dev.hardlight.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * The server's HTTP decoder during the upgrade: decodes exactly one request. Bytes that follow it
 * (a client that sends its first frames without waiting for the 101, often in the same TCP segment
 * or TLS record) are not HTTP: they are handed to the {@link UpgradeGate}, which gives them to the
 * WebSocket decoder once the connection is open, in order.
 *
 * <p>Not thread-safe: runs on the channel's event loop.
 */
final class UpgradeRequestDecoder extends HttpRequestDecoder {
    private final UpgradeGate gate;
    private boolean requestDone;

    UpgradeRequestDecoder(HttpDecoderConfig config, UpgradeGate gate) {
        super(config);
        this.gate = gate;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (!requestDone) {
            int before = out.size();
            super.decode(ctx, in, out);
            for (int i = before; i < out.size() && !requestDone; i++) {
                if (out.get(i) instanceof LastHttpContent) {
                    requestDone = true;
                    gate.requestComplete(ctx);
                }
            }
        }
        // The rest goes to the gate at once: the request's handler may replace this decoder before
        // decode is called again, and a removed decoder would hand its leftover past the WebSocket
        // decoder.
        if (requestDone && in.isReadable()) {
            gate.hold(ctx, in.readBytes(in.readableBytes()));
        }
    }
}
