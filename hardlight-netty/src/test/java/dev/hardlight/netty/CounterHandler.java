package dev.hardlight.netty;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The test handler. One {@link Probe} and one {@link #release} latch per test server, shared by its connections. */
final class CounterHandler implements Counter {
    /** Counts concurrent {@code probe} calls; the first {@code target} wait until {@code target} run at once. */
    static final class Probe {
        final AtomicInteger active = new AtomicInteger();
        final AtomicInteger max = new AtomicInteger();
        final AtomicInteger calls = new AtomicInteger();
        final CountDownLatch reached;

        Probe(int target) {
            reached = new CountDownLatch(target);
        }
    }

    private final AtomicInteger count = new AtomicInteger();
    private final Probe probe;
    private final CountDownLatch release;
    private final CountDownLatch blocked;

    /**
     * @param release what {@code block} waits for
     * @param blocked counted down when a {@code block} call starts waiting
     */
    CounterHandler(Probe probe, CountDownLatch release, CountDownLatch blocked) {
        this.probe = probe;
        this.release = release;
        this.blocked = blocked;
    }

    @Override
    public int increment(int amount) {
        return count.addAndGet(amount);
    }

    @Override
    public String fail(String kind) throws CounterException {
        switch (kind) {
            case "declared" -> throw new CounterException("counter says no");
            case "rpc" -> throw new RpcException(Status.NOT_FOUND, "no such counter");
            case "runtime" -> throw new IllegalStateException("handler broke");
            case "error" -> throw new AssertionError("handler asserted");
            default -> {
                return kind;
            }
        }
    }

    @Override
    public int block(int token) throws InterruptedException {
        blocked.countDown();
        if (!release.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("never released");
        }
        return token;
    }

    @Override
    public int probe(int x) throws InterruptedException {
        int now = probe.active.incrementAndGet();
        probe.max.accumulateAndGet(now, Math::max);
        probe.calls.incrementAndGet();
        try {
            probe.reached.countDown();
            probe.reached.await(20, TimeUnit.SECONDS);
            return x * 2;
        } finally {
            probe.active.decrementAndGet();
        }
    }
}
