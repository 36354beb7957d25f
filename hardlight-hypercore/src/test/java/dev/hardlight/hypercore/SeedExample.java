package dev.hardlight.hypercore;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The example of the Rust crate's documentation, ported: a TCP server on localhost and a client; both ends open
 * a channel with the same key once the handshake is done and send a message on it. Run it with
 * {@code main}; {@link SeedExampleTest} runs it as a test.
 */
public final class SeedExample {
    /** What each side received, as "listener"/"dialer" lines. */
    final BlockingQueue<String> log = new LinkedBlockingQueue<>();

    /** Drives one side: the handshake event opens the channel, the channel event sends a message. */
    TcpConnection.Handler onconnection(String name) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 3); // a pre-shared key both peers know
        return (conn, event) -> {
            System.err.println(name + " received event " + event);
            switch (event) {
                case Event.Handshake h -> conn.open(key);
                case Event.ChannelOpened c -> conn.send(c.discoveryKey(), new Message.Want(0, 1));
                case Event.Received r -> log.add(name + " received message: " + r.message());
                default -> {}
            }
        };
    }

    /** Starts the server and the client; returns the two "received" lines once both got the message. */
    java.util.List<String> run() throws IOException, InterruptedException {
        java.util.List<String> got = new java.util.ArrayList<>();
        try (TcpServer server = TcpServer.listenLoopback(ProtocolOptions.defaults(), onconnection("listener"));
             TcpConnection client = TcpConnection.connect(server.address(), ProtocolOptions.defaults(), onconnection("dialer"))) {
            while (got.size() < 2) {
                String line = log.poll(10, TimeUnit.SECONDS);
                if (line == null) {
                    throw new IllegalStateException("no message within 10 s; got " + got);
                }
                System.err.println(line);
                got.add(line);
            }
            client.close();
            if (!client.awaitClosed(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the client did not close");
            }
        }
        return got;
    }

    public static void main(String[] args) throws Exception {
        new SeedExample().run();
    }
}
