package dev.hardlight.netty.internal;

import dev.hardlight.internal.protocol.ProtocolViolation;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/** Feeds a client connection's messages to its {@code ClientSession}. Event loop only. */
final class ClientFrameHandler extends FrameHandler {
    private final NettyRpcChannel connection;
    private boolean goAwaySeen;

    ClientFrameHandler(NettyRpcChannel connection) {
        super(connection.outbound(), connection.logPrefix(), NettyRpcChannel.MAX_MESSAGE_SIZE);
        this.connection = connection;
    }

    @Override
    protected void onBinary(ByteBuf message) {
        connection.session().onMessage(message);
        if (!goAwaySeen && connection.session().goAwayReason() != null) {
            goAwaySeen = true;
            connection.goingAway();
        }
    }

    @Override
    protected boolean warns(ProtocolViolation v) {
        // "wrong service" and "incompatible contract": connect() reports them as INCOMPATIBLE.
        return v.closeCode() != ProtocolViolation.NORMAL;
    }

    @Override
    protected void onClosed(ChannelHandlerContext ctx) {
        connection.channelClosed(peerClose, violationClose);
    }
}
