package dev.hardlight.stream.internal;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One non-blocking {@link Selector#selectNow(Consumer)} per poll, then the ready connections, then those that
 * must be polled anyway ({@link Pollable#needsPoll()}). Not thread-safe.
 */
final class NioReadinessSelector implements ReadinessSelector {

    private final Selector selector;
    private final Consumer<SelectionKey> onReady = this::ready;
    private Pollable[] pollables = new Pollable[8];
    private int count;
    private int readyWork;

    NioReadinessSelector() throws IOException {
        this.selector = Selector.open();
    }

    @Override
    public void add(Pollable pollable, SocketChannel channel) throws IOException {
        if (channel != null) {
            channel.register(selector, SelectionKey.OP_READ, pollable);
        }
        if (count == pollables.length) {
            pollables = Arrays.copyOf(pollables, count * 2);
        }
        pollables[count++] = pollable;
    }

    @Override
    public void remove(Pollable pollable, SocketChannel channel) {
        if (channel != null) {
            SelectionKey key = channel.keyFor(selector);
            if (key != null) {
                key.cancel();
            }
        }
        for (int i = 0; i < count; i++) {
            if (pollables[i] == pollable) {
                System.arraycopy(pollables, i + 1, pollables, i, count - i - 1);
                pollables[--count] = null;
                return;
            }
        }
    }

    private void ready(SelectionKey key) {
        if (key.isValid()) {
            readyWork += ((Pollable) key.attachment()).pollNow();
        }
    }

    @Override
    public int poll() throws IOException {
        readyWork = 0;
        selector.selectNow(onReady);
        int work = readyWork;
        for (int i = count - 1; i >= 0; i--) {
            if (i < count && pollables[i].needsPoll()) {
                work += pollables[i].pollNow();
            }
        }
        return work;
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing a selector fails only if it is broken: nothing to do
        }
        Arrays.fill(pollables, null);
        count = 0;
    }
}
