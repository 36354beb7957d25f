package dev.hardlight.examples.chat;

import dev.hardlight.netty.HardLight;
import dev.hardlight.netty.HardLightServer;
import dev.hardlight.netty.Tls;
import java.nio.file.Path;

/** Starts the chat server: the {@link Chat} endpoint at /hl and the browser page, on one TLS port. */
public final class ChatServer {
    /** Members a room may have by default. */
    public static final int DEFAULT_ROOM_CAPACITY = 20;

    private ChatServer() {}

    /**
     * Starts a chat server on {@code host:port} (0: any free port) serving the bundled page from
     * {@code web} (the example's {@code target/web}) beside the endpoint, with rooms of at most
     * {@code roomCapacity} members.
     */
    public static HardLightServer start(Tls tls, String host, int port, Path web, int roomCapacity) {
        ChatRooms rooms = new ChatRooms(roomCapacity);
        return HardLight.server(Chat.class, c -> new ChatHandler(c, rooms))
                .tls(tls)
                .bind(host, port)
                .staticFiles(web)
                .start();
    }
}
