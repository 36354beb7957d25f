package dev.hardlight.nats;

import dev.hardlight.NonBlocking;
import dev.hardlight.Rpc;

/** {@link Room} with another event type: a node of another event contract. */
@Rpc(events = OtherRoom.OtherEvent.class)
public interface OtherRoom {
    sealed interface OtherEvent {}

    record Note(long value) implements OtherEvent {}

    @NonBlocking
    void join(String room);
}
