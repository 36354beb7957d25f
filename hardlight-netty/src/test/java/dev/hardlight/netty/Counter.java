package dev.hardlight.netty;

import dev.hardlight.NonBlocking;
import dev.hardlight.Rpc;

/** The test contract: a counter, plus methods that fail, block and measure concurrency on demand. */
@Rpc
public interface Counter {
    @NonBlocking
    int increment(int amount);

    /** Fails as {@code kind} says: "declared", "rpc", "runtime", "error"; otherwise returns kind. */
    @NonBlocking
    String fail(String kind) throws CounterException;

    /** Blocks until the test releases it (or the call is interrupted). */
    int block(int token) throws InterruptedException;

    /** Counts the handlers running at once (see {@link CounterHandler}). */
    int probe(int x) throws InterruptedException;
}
