package dev.hardlight.nats;

import dev.hardlight.Connection;
import dev.hardlight.Topic;

/** The server side of {@link Room}. */
final class RoomHandler implements Room {
    private final Connection connection;

    RoomHandler(Connection connection) {
        this.connection = connection;
    }

    @Override
    public void join(String room) {
        connection.subscriptions().add(Topic.of(room));
    }

    @Override
    public void leave(String room) {
        connection.subscriptions().remove(Topic.of(room));
    }

    @Override
    public int say(String room, String from, int seq) {
        return connection.events(RoomEvent.class).emit(Topic.of(room), new RoomEvent.Said(room, from, seq));
    }

    @Override
    public long burst(String room, int count, int perMillisecond) {
        long local = 0;
        var emitter = connection.events(RoomEvent.class);
        for (int k = 1; k <= count; k++) {
            local += emitter.emit(Topic.of(room), new RoomEvent.Said(room, Long.toString(System.nanoTime()), k));
            if (k % perMillisecond == 0) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return local;
    }

    @Override
    public long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    @Override
    public int echo(int n) {
        return n;
    }
}
