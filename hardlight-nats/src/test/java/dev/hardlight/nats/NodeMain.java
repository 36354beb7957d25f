package dev.hardlight.nats;

import dev.hardlight.TopicChange;
import dev.hardlight.netty.HardLight;
import dev.hardlight.netty.HardLightServer;
import dev.hardlight.netty.ServerBuilder;
import java.time.Duration;

/**
 * A cluster node in its own JVM (for the SIGKILL tests): args NATS URL, prefix and, optionally, the
 * notifier lease in ms (then the cluster-wide changes it tells are printed as {@code TOLD Created
 * <topic>} / {@code TOLD Removed <topic>}); prints "PORT n" first, runs until killed.
 */
public final class NodeMain {
    private NodeMain() {}

    public static void main(String[] args) throws Exception {
        NatsCluster.Builder cluster = NatsCluster.builder(args[0]).prefix(args[1]);
        ServerBuilder<Room> server = HardLight.server(Room.class, RoomHandler::new).insecurePlaintext().bind("127.0.0.1", 0);
        if (args.length > 2) {
            cluster.notifierLease(Duration.ofMillis(Long.parseLong(args[2])));
            server.topicListener(change -> {
                synchronized (System.out) {
                    System.out.println("TOLD " + (change instanceof TopicChange.Created ? "Created" : "Removed") + " "
                            + change.topic().asString());
                    System.out.flush();
                }
            });
        }
        HardLightServer node = server.cluster(cluster.build()).start();
        synchronized (System.out) {
            System.out.println("PORT " + node.port());
            System.out.flush();
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
