package dev.hardlight.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.IntConsumer;

/**
 * The floor: 16 bytes each way over a plain TCP socket pair on loopback, no framing, no TLS, one
 * echo thread. Busy-spinning (non-blocking sockets polled in a loop by both the caller and the echo
 * thread) shows what the machine can do without thread wake-ups; blocking sockets show the cost of
 * one wake-up per side. Sequential round trips only.
 */
final class TcpPingPong implements RpcSystem {
    private final boolean spin;
    private final ServerSocketChannel listener;
    private volatile boolean running = true;

    TcpPingPong(boolean spin) throws IOException {
        this.spin = spin;
        listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    }

    @Override
    public Conn connect() throws IOException {
        SocketChannel client = SocketChannel.open(listener.getLocalAddress());
        SocketChannel server = listener.accept();
        for (SocketChannel s : new SocketChannel[] {client, server}) {
            s.setOption(StandardSocketOptions.TCP_NODELAY, true);
            s.configureBlocking(!spin);
        }
        Thread echo = new Thread(() -> echo(server), "tcp-echo");
        echo.setDaemon(true);
        echo.start();
        ByteBuffer buf = ByteBuffer.allocateDirect(NettyWsSystem.FRAME_BYTES);
        return new Conn() {
            @Override
            public int callBlocking(int x) throws IOException {
                buf.clear();
                buf.putInt(0, x);
                while (buf.hasRemaining()) {
                    client.write(buf);
                }
                buf.clear();
                while (buf.hasRemaining()) {
                    if (client.read(buf) < 0) {
                        throw new IOException("closed");
                    }
                }
                return buf.getInt(0) + 1;
            }

            @Override
            public void callAsync(int x, IntConsumer done) {
                throw new UnsupportedOperationException("sequential round trips only");
            }

            @Override
            public void close() throws Exception {
                client.close();
                echo.join(2000);
            }
        };
    }

    private void echo(SocketChannel s) {
        ByteBuffer buf = ByteBuffer.allocateDirect(NettyWsSystem.FRAME_BYTES);
        try (s) {
            while (running) {
                buf.clear();
                while (buf.hasRemaining()) {
                    if (s.read(buf) < 0) {
                        return;
                    }
                }
                buf.flip();
                while (buf.hasRemaining()) {
                    s.write(buf);
                }
            }
        } catch (IOException e) {
            // the client closed
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        listener.close();
    }
}
