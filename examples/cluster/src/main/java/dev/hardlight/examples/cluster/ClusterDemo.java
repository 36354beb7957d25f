package dev.hardlight.examples.cluster;

import dev.hardlight.Event;
import dev.hardlight.Topic;
import dev.hardlight.netty.ClientOptions;
import dev.hardlight.netty.HardLight;
import dev.hardlight.netty.HardLightServer;
import dev.hardlight.nats.NatsCluster;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./hardlight demo cluster}: starts a nats-server on a free loopback port (the one on the PATH:
 * the demo installs nothing), three HardLight nodes joined through it, and one client on each node.
 * Each client says hello; every client prints what it hears, with the node it was said through.
 */
public final class ClusterDemo {
    private static final Topic LOBBY = Topic.of("lobby");

    private ClusterDemo() {}

    public static void main(String[] args) throws Exception {
        // The nodes' start-up lines (and their plaintext warnings) would bury the conversation.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        Path natsServer = find("nats-server");
        if (natsServer == null) {
            System.err.println("nats-server is not installed. On Debian or Ubuntu: sudo apt-get install nats-server;"
                    + " elsewhere: https://github.com/nats-io/nats-server/releases (put it on the PATH), then run"
                    + " ./hardlight demo cluster again.");
            System.exit(1);
        }
        int natsPort = freePort();
        Process nats = new ProcessBuilder(natsServer.toString(), "-a", "127.0.0.1", "-p", "" + natsPort)
                .redirectErrorStream(true).redirectOutput(File.createTempFile("demo-nats", ".log")).start();
        List<HardLightServer> nodes = new ArrayList<>();
        List<LobbyClient> clients = new ArrayList<>();
        try {
            waitForPort(natsPort, nats);
            System.out.println("nats-server (pid " + nats.pid() + ") on 127.0.0.1:" + natsPort);
            for (int i = 1; i <= 3; i++) {
                String name = "node-" + i;
                NatsCluster cluster = NatsCluster.builder("nats://127.0.0.1:" + natsPort).build();
                HardLightServer node = HardLight.server(Lobby.class, c -> new Lobby() {
                    @Override
                    public void enter() {
                        c.subscriptions().add(LOBBY);
                    }

                    @Override
                    public void say(String who, String text) {
                        c.events(LobbyEvent.class).emit(LOBBY, new LobbyEvent.Said(who, text, name));
                    }
                }).insecurePlaintext().bind("127.0.0.1", 0).cluster(cluster).start();
                nodes.add(node);
                System.out.println(name + " on ws://127.0.0.1:" + node.port() + "/hl");
            }
            String[] people = {"ada", "grace", "linus"};
            for (int i = 0; i < 3; i++) {
                LobbyClient c = HardLight.connect(URI.create("ws://127.0.0.1:" + nodes.get(i).port() + "/hl"),
                        ClientOptions.builder().insecurePlaintext().build(), LobbyClient.FACTORY);
                c.enter();
                clients.add(c);
            }
            Thread.sleep(300); // each node's NATS subscription follows its first subscriber
            for (int i = 0; i < 3; i++) {
                clients.get(i).say(people[i], "hello from a client of node-" + (i + 1));
            }
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 3; k++) {
                    Optional<Event<LobbyEvent>> e = clients.get(i).events().poll(Duration.ofSeconds(5));
                    if (e.isEmpty()) {
                        System.out.println(people[i] + " (on node-" + (i + 1) + ") heard nothing more");
                        break;
                    }
                    LobbyEvent.Said s = (LobbyEvent.Said) e.get().value();
                    System.out.println(people[i] + " (on node-" + (i + 1) + ") heard " + s.who() + " via " + s.node()
                            + ": " + s.text());
                }
            }
        } finally {
            clients.forEach(LobbyClient::close);
            nodes.forEach(HardLightServer::close);
            nats.destroy();
            nats.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static Path find(String program) {
        for (String dir : (System.getenv("PATH") + File.pathSeparator + "/usr/bin:/usr/sbin").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void waitForPort(int port, Process p) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("nats-server exited with " + p.exitValue());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IOException("nats-server did not listen on " + port + " within 10 s");
    }
}
