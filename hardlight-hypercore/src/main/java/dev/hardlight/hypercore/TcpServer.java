package dev.hardlight.hypercore;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Accepts TCP connections and runs each as a {@link TcpConnection} responder, on virtual threads.
 * {@link #close()} stops accepting and closes the open connections.
 */
public final class TcpServer implements AutoCloseable {
    private final ServerSocket server;
    private final Set<TcpConnection> connections = ConcurrentHashMap.newKeySet();

    private TcpServer(ServerSocket server, ProtocolOptions options, TcpConnection.Handler handler) {
        this.server = server;
        Thread.ofVirtual().name("hypercore-accept-" + server.getLocalPort()).start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    TcpConnection c = TcpConnection.accept(s, options, (conn, e) -> {
                        if (e instanceof Event.Closed) {
                            connections.remove(conn);
                        }
                        handler.onEvent(conn, e);
                    });
                    connections.add(c);
                } catch (IOException e) {
                    if (server.isClosed()) {
                        return;
                    }
                }
            }
        });
    }

    /** Listens on {@code address} (port 0 picks a free port; see {@link #port()}). */
    public static TcpServer listen(InetSocketAddress address, ProtocolOptions options, TcpConnection.Handler handler) throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(address);
        return new TcpServer(s, options, handler);
    }

    /** Listens on a free loopback port. */
    public static TcpServer listenLoopback(ProtocolOptions options, TcpConnection.Handler handler) throws IOException {
        return listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), options, handler);
    }

    public int port() {
        return server.getLocalPort();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (TcpConnection c : connections) {
            c.close();
        }
    }
}
