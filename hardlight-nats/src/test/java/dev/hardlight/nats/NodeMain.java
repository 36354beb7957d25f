package dev.hardlight.nats;

import dev.hardlight.TopicChange;
import dev.hardlight.netty.HardLight;
import dev.hardlight.netty.HardLightServer;
import dev.hardlight.netty.ServerBuilder;
import java.time.Duration;

/**
 * A cluster node in its own JVM (for the SIGKILL tests): args NATS URL (or {@code -} for a
 * single node without a cluster), prefix and, optionally, the
 * notifier lease in ms (then the cluster-wide changes it tells are printed as {@code TOLD Created
 * <topic>} / {@code TOLD Removed <topic>}); prints "PORT n" first, runs until killed.
 */
public final class NodeMain {
    private NodeMain() {}

    public static void main(String[] args) throws Exception {
        ServerBuilder<Room> server = HardLight.server(Room.class, RoomHandler::new).insecurePlaintext().bind("127.0.0.1", 0);
        if (args[0].equals("-")) { // a single node, no cluster (the fan-out benchmark's baseline)
            printPort(server.start());
            Thread.sleep(Long.MAX_VALUE);
        }
        NatsCluster.Builder cluster = NatsCluster.builder(args[0]).prefix(args[1]);
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
        printPort(server.cluster(cluster.build()).start());
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void printPort(HardLightServer node) {
        synchronized (System.out) {
            System.out.println("PORT " + node.port());
            System.out.flush();
        }
    }
}
