package dev.hardlight.netty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** A bounded polling wait, for conditions nothing signals (counters of the server). */
final class Await {
    private Await() {}

    /** Polls {@code condition} every 10 ms until it holds; fails after {@code timeout}. */
    static void until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
            }
            Thread.sleep(10);
        }
    }

    /** Waits up to 10 s until {@code dir} holds exactly one file, and returns it. */
    static Path onlyFileIn(Path dir) throws Exception {
        until("one file in " + dir, Duration.ofSeconds(10), () -> {
            try (Stream<Path> s = Files.list(dir)) {
                return s.count() == 1;
            } catch (IOException e) {
                return false;
            }
        });
        try (Stream<Path> s = Files.list(dir)) {
            return s.findFirst().orElseThrow();
        }
    }
}
