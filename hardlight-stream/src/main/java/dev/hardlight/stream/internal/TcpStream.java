package dev.hardlight.stream.internal;

import dev.hardlight.stream.Stream;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Enumeration;

/** A non-blocking TCP connection. Not thread-safe: owned by the polling thread. */
public final class TcpStream implements Stream {

    private final SocketChannel channel;
    private boolean connected;
    private long readTimeNanos;

    private TcpStream(SocketChannel channel) {
        this.channel = channel;
    }

    /** Opens a socket, binds it to {@code local} if given, and starts connecting. */
    public static TcpStream connect(InetSocketAddress remote, InetSocketAddress local) throws IOException {
        if (remote.isUnresolved()) {
            throw new IOException("unresolved address: " + remote + " (resolve it first)");
        }
        SocketChannel ch = SocketChannel.open();
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (local != null) {
                ch.bind(local);
            }
            TcpStream s = new TcpStream(ch);
            s.connected = ch.connect(remote);
            return s;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The first address of {@code nic} in {@code remote}'s family, port 0. */
    public static InetSocketAddress addressOf(NetworkInterface nic, InetSocketAddress remote) throws IOException {
        boolean v4 = remote.getAddress() instanceof Inet4Address;
        for (Enumeration<InetAddress> e = nic.getInetAddresses(); e.hasMoreElements(); ) {
            InetAddress a = e.nextElement();
            if ((a instanceof Inet4Address) == v4) {
                return new InetSocketAddress(a, 0);
            }
        }
        throw new IOException("network interface " + nic.getName() + " has no " + (v4 ? "IPv4" : "IPv6") + " address");
    }

    @Override
    public boolean finishConnect() throws IOException {
        if (!connected) {
            connected = channel.finishConnect();
        }
        return connected;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n = channel.read(dst);
        if (n > 0) {
            readTimeNanos = System.nanoTime();
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return channel.write(src);
    }

    @Override
    public boolean flush() {
        return true;
    }

    @Override
    public long readTimeNanos() {
        return readTimeNanos;
    }

    @Override
    public SocketChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a socket fails only if it was already broken: nothing to do
        }
    }
}
