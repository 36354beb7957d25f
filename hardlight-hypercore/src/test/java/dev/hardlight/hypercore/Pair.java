package dev.hardlight.hypercore;

import java.util.ArrayList;
import java.util.List;

/** Two protocols wired back to back in memory: {@link #pump()} moves bytes until both are quiet and records events. */
final class Pair {
    final Protocol a;
    final Protocol b;
    final List<Event> aEvents = new ArrayList<>();
    final List<Event> bEvents = new ArrayList<>();

    Pair(ProtocolOptions ao, ProtocolOptions bo) {
        a = Protocol.initiator(ao);
        b = Protocol.responder(bo);
    }

    Pair() {
        this(ProtocolOptions.defaults(), ProtocolOptions.defaults());
    }

    /** Moves bytes both ways until neither has output; returns the number of rounds. */
    int pump() {
        int rounds = 0;
        while (true) {
            byte[] ab = a.takeOutput();
            byte[] ba = b.takeOutput();
            if (ab.length == 0 && ba.length == 0) {
                drain();
                return rounds;
            }
            b.receive(ab);
            a.receive(ba);
            drain();
            if (++rounds > 1000) {
                throw new AssertionError("no quiescence");
            }
        }
    }

    void drain() {
        for (Event e; (e = a.poll()) != null; ) {
            aEvents.add(e);
        }
        for (Event e; (e = b.poll()) != null; ) {
            bEvents.add(e);
        }
    }

    static <T extends Event> List<T> of(List<Event> events, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Event e : events) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }
}
