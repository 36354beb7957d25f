package dev.hardlight.netty.internal;

import dev.hardlight.internal.protocol.ProtocolViolation;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/** Feeds a client connection's messages to its link. Thread rule: event loop only. */
final class ClientFrameHandler extends FrameHandler {
    private final NettyRpcChannel connection;

    ClientFrameHandler(NettyRpcChannel connection) {
        super(connection.outbound(), connection.logPrefix(), NettyRpcChannel.MAX_MESSAGE_SIZE);
        this.connection = connection;
    }

    @Override
    protected void onBinary(ByteBuf message) {
        connection.onMessage(message);
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
