package dev.hardlight.micrometer;

import dev.hardlight.Connection;
import dev.hardlight.EventEmitter;
import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.Topic;

final class ProbeHandler implements Probe {
    static final Topic ALL = Topic.of("all");
    private final Topic own;
    private final EventEmitter<ProbeEvent> events;

    ProbeHandler(Connection connection) {
        this.events = connection.events(ProbeEvent.class);
        this.own = Topic.of("c" + connection.id());
        connection.subscriptions().add(ALL);
        connection.subscriptions().add(own);
    }

    @Override
    public int echo(int x) {
        return x;
    }

    @Override
    public int fail(String kind) throws ProbeException {
        if (kind.equals("declared")) {
            throw new ProbeException("declared failure");
        }
        throw new RpcException(Status.NOT_FOUND, "no " + kind);
    }

    @Override
    public int shout(String text) {
        return events.emit(ALL, new ProbeEvent.Said(text));
    }

    @Override
    public int burst(int n, int size) {
        int queued = 0;
        for (int i = 0; i < n; i++) {
            queued += events.emit(own, new ProbeEvent.Blob(new byte[size]));
        }
        return queued;
    }
}
