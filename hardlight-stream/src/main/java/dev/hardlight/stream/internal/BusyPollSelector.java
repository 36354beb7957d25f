package dev.hardlight.stream.internal;

import java.nio.channels.SocketChannel;
import java.util.Arrays;

/** Polls every connection at every poll: no system call beyond each read. Not thread-safe. */
final class BusyPollSelector implements ReadinessSelector {

    private Pollable[] pollables = new Pollable[8];
    private int count;

    @Override
    public void add(Pollable pollable, SocketChannel channel) {
        if (count == pollables.length) {
            pollables = Arrays.copyOf(pollables, count * 2);
        }
        pollables[count++] = pollable;
    }

    @Override
    public void remove(Pollable pollable, SocketChannel channel) {
        for (int i = 0; i < count; i++) {
            if (pollables[i] == pollable) {
                System.arraycopy(pollables, i + 1, pollables, i, count - i - 1);
                pollables[--count] = null;
                return;
            }
        }
    }

    @Override
    public int poll() {
        int work = 0;
        // a poll may remove the pollable (its connection closed): walk from the end so none is skipped
        for (int i = count - 1; i >= 0; i--) {
            if (i < count) {
                work += pollables[i].pollNow();
            }
        }
        return work;
    }

    @Override
    public void close() {
        Arrays.fill(pollables, null);
        count = 0;
    }
}
