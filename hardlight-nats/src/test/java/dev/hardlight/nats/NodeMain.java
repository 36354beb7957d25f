package dev.hardlight.nats;

import dev.hardlight.netty.HardLight;
import dev.hardlight.netty.HardLightServer;

/** A cluster node in its own JVM (for the SIGKILL test): args NATS URL, prefix; prints "PORT n", runs until killed. */
public final class NodeMain {
    private NodeMain() {}

    public static void main(String[] args) throws Exception {
        HardLightServer node = HardLight.server(Room.class, RoomHandler::new).insecurePlaintext().bind("127.0.0.1", 0)
                .cluster(NatsCluster.builder(args[0]).prefix(args[1]).build()).start();
        System.out.println("PORT " + node.port());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
