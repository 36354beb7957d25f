package dev.hardlight.netty.internal;

import dev.hardlight.RpcException;

/**
 * What a client connection (a link) tells the client that owns it and outlives it: the one way from a
 * {@link NettyRpcChannel} up to its owner ({@link LinkSupervisor}). Every method is called on the
 * link's event loop, at most once per link, and only after {@link #ready}.
 */
interface LinkListener {
    /** The link's hello was handled; called before any later frame is. */
    void ready(NettyRpcChannel link);

    /** The link, once ready, is gone; called before its pending calls fail. */
    void lost(NettyRpcChannel link, RpcException reason);

    /** The server sent GO_AWAY: the link takes no new calls and will close. */
    void goingAway(NettyRpcChannel link);
}
