package dev.hardlight.netty.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the records of one recording to its file on a virtual thread of its own, so that a slow disk
 * never blocks the event loop: the event loop hands encoded records over through a queue bounded in
 * bytes ({@link #offer} refuses a record that would exceed the budget, and the recorder then stops
 * with a TRUNCATED record instead of waiting). The file is created owner-readable only where the file
 * system allows it: it holds everything the connection carried, credentials included.
 *
 * <p>Thread-safe: one event loop offers and finishes, the writer thread writes.
 */
final class RecordingWriter {
    private static final Logger log = LoggerFactory.getLogger(RecordingWriter.class);
    /** Queued after the last record: the writer closes the file when it takes this (compared by identity). */
    private static final byte[] CLOSE = new byte[0];
    private static final int BUFFER = 64 * 1024;

    private final Path file;
    private final long budget;
    private final String logPrefix;
    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    /** Bytes handed over and not yet written (event loop adds, writer subtracts). */
    private final AtomicLong pending = new AtomicLong();
    private volatile boolean failed;

    /**
     * Starts the writer thread; the file is created (or emptied) by it.
     *
     * @param budget the most bytes waiting to be written at once
     */
    RecordingWriter(Path file, long budget, String logPrefix) {
        this.file = file;
        this.budget = budget;
        this.logPrefix = logPrefix;
        Thread.ofVirtual().name("hl-recorder " + file.getFileName()).start(this::run);
    }

    /**
     * Hands a record over, unless the records waiting to be written would then exceed the budget.
     *
     * @return false if the record was refused: the disk does not keep up
     */
    boolean offer(byte[] record) {
        if (pending.get() + record.length > budget) {
            return false;
        }
        pending.addAndGet(record.length);
        queue.add(record);
        return true;
    }

    /** Hands over the last record, whatever the budget (it is small), and lets the writer close the file. */
    void finish(byte[] last) {
        queue.add(last);
        queue.add(CLOSE);
    }

    /** Whether writing failed: the recording is lost, the recorder may stop copying. */
    boolean failed() {
        return failed;
    }

    long budget() {
        return budget;
    }

    private void run() {
        try (OutputStream out = new BufferedOutputStream(Channels.newOutputStream(open(file)), BUFFER)) {
            for (byte[] r = queue.take(); r != CLOSE; r = queue.take()) {
                out.write(r);
                pending.addAndGet(-r.length);
                if (queue.isEmpty()) {
                    out.flush(); // idle: let a reader see what happened so far
                }
            }
        } catch (IOException e) {
            failed = true;
            log.warn("{}recording to {} failed, the connection continues unrecorded: {}", logPrefix, file, e.toString());
            drain();
        } catch (InterruptedException e) {
            failed = true; // nobody interrupts this thread; if someone does, stop
            Thread.currentThread().interrupt();
        }
    }

    /** After a failure: drops what the event loop still hands over, until the last record. */
    private void drain() {
        try {
            for (byte[] r = queue.take(); r != CLOSE; r = queue.take()) {
                pending.addAndGet(-r.length);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static SeekableByteChannel open(Path file) throws IOException {
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        try {
            return Files.newByteChannel(file, options, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            return Files.newByteChannel(file, options); // not a POSIX file system
        }
    }
}
