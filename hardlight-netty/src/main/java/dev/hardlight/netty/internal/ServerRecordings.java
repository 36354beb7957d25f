package dev.hardlight.netty.internal;

import dev.hardlight.service.ServiceDescriptor;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's recordings: one file per connection in one directory, each up to its cap, all of them
 * together up to a total. A new connection reserves its cap from the total (or what is left of it, if
 * at least the smallest cap); when its recording ends, the unused part of the reservation goes back.
 * So the files one server writes never sum past the total, whatever the number of connections; once
 * it is spent, connections are not recorded (logged once).
 *
 * <p>Thread-safe.
 */
public final class ServerRecordings {
    private static final Logger log = LoggerFactory.getLogger(ServerRecordings.class);
    private static final DateTimeFormatter FILE_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path directory;
    private final long maxBytesPerConnection;
    private final long maxTotalBytes;
    private final boolean recordCredentials;
    private final AtomicLong remaining;
    private final AtomicBoolean spentLogged = new AtomicBoolean();

    /** @param recordCredentials whether credentials in the HTTP upgrade are kept in clear (else masked) */
    public ServerRecordings(Path directory, long maxBytesPerConnection, long maxTotalBytes, boolean recordCredentials) {
        this.directory = directory;
        this.recordCredentials = recordCredentials;
        this.maxBytesPerConnection = maxBytesPerConnection;
        this.maxTotalBytes = maxTotalBytes;
        this.remaining = new AtomicLong(maxTotalBytes);
    }

    /**
     * A recorder for a new connection, writing {@code <start time UTC>-<connection id>.hlrec}, or
     * {@code null} when the total is spent.
     */
    public Recorder open(long connectionId, InetSocketAddress remote, List<ServiceDescriptor<?>> services,
                         String logPrefix) {
        long cap = reserve();
        if (cap == 0) {
            if (spentLogged.compareAndSet(false, true)) {
                log.warn("{}not recorded: the recordings in {} reached their total of {} bytes; connections are not "
                        + "recorded while it is spent (logged once)", logPrefix, directory, maxTotalBytes);
            }
            return null;
        }
        String name = FILE_TIME.format(Instant.now()) + "-" + connectionId + ".hlrec";
        return Recorder.server(directory.resolve(name), cap, recordCredentials, connectionId, NettyServer.describe(remote), services,
                size -> remaining.addAndGet(cap - size), logPrefix);
    }

    /** Takes the per-connection cap, or what is left if smaller but still usable; 0 when spent. */
    private long reserve() {
        while (true) {
            long left = remaining.get();
            long cap = Math.min(left, maxBytesPerConnection);
            if (cap < RecordingFormat.MIN_MAX_BYTES) {
                return 0;
            }
            if (remaining.compareAndSet(left, left - cap)) {
                return cap;
            }
        }
    }

    /** The bytes of the total not reserved by a recording: for tests. */
    long remaining() {
        return remaining.get();
    }
}
