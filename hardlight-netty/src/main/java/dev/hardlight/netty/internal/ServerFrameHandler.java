package dev.hardlight.netty.internal;

import dev.hardlight.CloseReason;
import dev.hardlight.internal.protocol.ServerSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;

/** Feeds a server connection's messages to its {@link ServerSession}. Event loop only. */
final class ServerFrameHandler<S> extends FrameHandler {
    private final NettyServer server;
    private final ServedService service;
    private final ServerSession<S> session;

    ServerFrameHandler(NettyServer server, ServedService service, ServerSession<S> session, ChannelOutbound out,
                       String logPrefix, int maxMessageSize) {
        super(out, logPrefix, maxMessageSize);
        this.server = server;
        this.service = service;
        this.session = session;
        server.opened(out, session, service);
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

    @Override
    protected void onPong(ByteBuf payload) {
        if (ByteBufUtil.equals(payload, Unpooled.wrappedBuffer(NettyServer.GO_AWAY_PING))) {
            server.goAwaySeen(out);
        }
    }

    /**
     * A client that does not read its answers must not make the server buffer them without bound:
     * while the outbound buffer is above its high-water mark, stop reading (no new calls) until the
     * client has caught up. (While the {@link TurnLimit} has paused reading, it resumes it.)
     */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        boolean read = ctx.channel().isWritable() && !TurnLimit.paused(ctx.pipeline());
        ctx.channel().config().setAutoRead(read);
        if (read) {
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
        server.closed(out, service);
        session.onClosed(reason());
    }

    /** How the connection ended, from who sent the first close frame and with what. */
    private CloseReason reason() {
        if (violationClose != null) {
            return new CloseReason(CloseReason.Kind.PROTOCOL_VIOLATION, violationClose);
        }
        String goAway = session.goAwayReason();
        if (goAway != null) { // whoever closed first, the server's shutdown is why
            return new CloseReason(CloseReason.Kind.SERVER_SHUTDOWN,
                    out.localCloseReason() != null ? out.localCloseCode() + " " + out.localCloseReason()
                            : peerClose != null ? peerClose : goAway);
        }
        String local = out.localCloseReason();
        if (local != null) {
            String description = out.localCloseCode() + " " + local;
            if (NettyServer.SHUTTING_DOWN.equals(local)) {
                return new CloseReason(CloseReason.Kind.SERVER_SHUTDOWN, description);
            }
            if (local.startsWith(ServerUpgradeHandler.IDLE_TIMEOUT)) {
                return new CloseReason(CloseReason.Kind.IDLE_TIMEOUT, description);
            }
            return new CloseReason(CloseReason.Kind.SERVER_CLOSED, description);
        }
        if (peerClose != null) {
            return new CloseReason(CloseReason.Kind.CLIENT_CLOSED, peerClose);
        }
        return new CloseReason(CloseReason.Kind.CONNECTION_LOST, "closed without a close frame");
    }
}
