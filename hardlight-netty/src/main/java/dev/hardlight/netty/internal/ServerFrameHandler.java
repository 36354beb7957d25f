package dev.hardlight.netty.internal;

import dev.hardlight.internal.protocol.ServerSession;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/** Feeds a server connection's messages to its {@link ServerSession}. Event loop only. */
final class ServerFrameHandler<S> extends FrameHandler {
    private final NettyServer<S> server;
    private final ServerSession<S> session;

    ServerFrameHandler(NettyServer<S> server, ServerSession<S> session, ChannelOutbound out, String logPrefix,
                       int maxMessageSize) {
        super(out, logPrefix, maxMessageSize);
        this.server = server;
        this.session = session;
        server.opened(out, session);
    }

    /** The server's decoder reports a malformed frame and this handler closes (see NettyServer's decoder config). */
    @Override
    protected boolean decoderSendsClose() {
        return false;
    }

    @Override
    protected WarnLimiter warnLimiter() {
        return server.violationWarnings();
    }

    @Override
    protected void onBinary(ByteBuf message) {
        session.onMessage(message);
    }

    /**
     * A client that does not read its answers must not make the server buffer them without bound:
     * while the outbound buffer is above its high-water mark, stop reading (no new calls) until the
     * client has caught up.
     */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        if (ctx.channel().isWritable()) {
            ctx.read();
        }
        super.channelWritabilityChanged(ctx);
    }

    /**
     * The connection is no longer counted first, then its session ends (which removes its
     * subscriptions, so a topic listener told {@code Removed} finds the connection gone already).
     */
    @Override
    protected void onClosed(ChannelHandlerContext ctx) {
        server.closed(out);
        session.onClosed();
    }
}
