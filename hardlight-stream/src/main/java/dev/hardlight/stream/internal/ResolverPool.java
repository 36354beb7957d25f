package dev.hardlight.stream.internal;

import dev.hardlight.stream.HostResolver;
import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs host resolutions on daemon threads of its own, at most a bounded number at once (a resolution that
 * hangs past its timeout still holds its thread until it returns). Thread-safe.
 */
public final class ResolverPool implements AutoCloseable {

    private final HostResolver resolver;
    private final ThreadPoolExecutor threads;
    private final int maxThreads;

    public ResolverPool(HostResolver resolver, int maxPendingConnects) {
        this.resolver = resolver;
        this.maxThreads = Math.max(2, maxPendingConnects * 2);
        AtomicInteger n = new AtomicInteger();
        this.threads = new ThreadPoolExecutor(0, maxThreads, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "hardlight-stream-dns-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts resolving {@code host}; the future fails with an IOException if it does not resolve. */
    public CompletableFuture<InetAddress> resolve(String host) {
        CompletableFuture<InetAddress> f = new CompletableFuture<>();
        try {
            threads.execute(() -> {
                try {
                    InetAddress a = resolver.resolve(host);
                    if (a == null) {
                        throw new IOException("the resolver returned no address for " + host);
                    }
                    f.complete(a);
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new IOException("all " + maxThreads + " resolver threads are busy (is DNS hanging?)", e));
        }
        return f;
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
