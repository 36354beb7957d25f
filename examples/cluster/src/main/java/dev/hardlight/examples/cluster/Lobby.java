package dev.hardlight.examples.cluster;

import dev.hardlight.NonBlocking;
import dev.hardlight.Rpc;

/** The demo's service: a chat lobby whose messages are events on one topic. */
@Rpc(events = LobbyEvent.class)
public interface Lobby {
    /** Subscribes this connection to the lobby's topic. */
    @NonBlocking
    void enter();

    /** Emits {@code Said(who, text, node)} to everyone in the lobby, on every node. */
    @NonBlocking
    void say(String who, String text);
}
