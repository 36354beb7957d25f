package dev.hardlight.netty.internal;

import dev.hardlight.service.ServiceDescriptor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Records the bytes of one connection as they pass between TLS and HTTP/WebSocket: placed right after
 * the SslHandler (first in plaintext), it sees every plaintext buffer read (one READ record each, so
 * read boundaries are kept) and written (one WRITE record each), and passes them on untouched. Buffers
 * are copied into records on the event loop and written by a {@link RecordingWriter}.
 *
 * <p>Bounded: the file never exceeds {@code maxBytes}. When the next record would not fit (room is
 * kept for the last record), or the writer has too much waiting (a disk that does not keep up), the
 * recorder writes a TRUNCATED record with the reason and records nothing more.
 *
 * <p>Unless told to record credentials, the recorder masks them in the HTTP head each direction starts
 * with before they reach the file ({@link HttpHeadRedactor}: same length, so the recording still
 * decodes), and in the client's target URI in the header; a head too long to examine to its end
 * stops the recording with a TRUNCATED record rather than be stored unexamined.
 *
 * <p>On a server with several services, the header names the service the request's path picked: it
 * is written once the upgrade handler has {@link #service told} the recorder (or at the first write,
 * or at the end, naming no service); the reads before it are held until then, at most the writer's
 * budget (more truncates the recording).
 *
 * <p>Not thread-safe: one per channel, used on its event loop.
 */
public final class Recorder extends ChannelDuplexHandler {
    /** Room kept for the last record (END or TRUNCATED with its reason). */
    static final int LAST_RECORD_ROOM = RecordingFormat.RECORD_OVERHEAD + RecordingFormat.MAX_REASON_BYTES;
    /** The most bytes waiting for the disk per recording; more truncates the recording. */
    static final long MAX_PENDING_BYTES = 4 * 1024 * 1024;

    private final RecordingWriter writer;
    private final long maxBytes;
    /** Told the file's final size once the last record is handed over (a server's total budget). */
    private final LongConsumer finished;
    private final long startNanos = System.nanoTime();
    /** The redactors of the request and the response heads, or null when credentials are recorded. */
    private final HttpHeadRedactor request;
    private final HttpHeadRedactor response;
    /** The record kind (READ or WRITE) that carries the request: WRITE on a client, READ on a server. */
    private final int requestKind;
    private long used; // event loop
    private boolean stopped; // event loop
    /**
     * While the header waits for the service (a server with several): makes the header's fields for
     * the service connected to ({@code null}: none); {@code null} once the header is written.
     */
    private Function<ServiceDescriptor<?>, Map<String, String>> deferredFields; // event loop
    /** The records read before the header was written (deferred header only). */
    private List<byte[]> early;
    private long earlyBytes;
    /** The header's length counted in {@link #used} while it is deferred: the longest it can be. */
    private long reservedHeader;
    private final int side;
    private final long startMillis = System.currentTimeMillis();
    private final String credentials;

    private Recorder(Path file, long maxBytes, boolean recordCredentials, int side, Map<String, String> fields,
                     LongConsumer finished, String logPrefix) {
        this(file, maxBytes, recordCredentials, side, List.of(), d -> fields, finished, logPrefix);
    }

    /**
     * @param candidates the services the header may name once known; empty: the header is written at
     *     once with {@code fields.apply(null)}
     */
    private Recorder(Path file, long maxBytes, boolean recordCredentials, int side, List<ServiceDescriptor<?>> candidates,
                     Function<ServiceDescriptor<?>, Map<String, String>> fields, LongConsumer finished, String logPrefix) {
        this.maxBytes = maxBytes;
        this.finished = finished;
        this.side = side;
        this.request = recordCredentials ? null : new HttpHeadRedactor(true);
        this.response = recordCredentials ? null : new HttpHeadRedactor(false);
        this.requestKind = side == RecordingFormat.SIDE_CLIENT ? RecordingFormat.WRITE : RecordingFormat.READ;
        this.credentials = recordCredentials ? RecordingFormat.CREDENTIALS_RECORDED : RecordingFormat.CREDENTIALS_REDACTED;
        this.writer = new RecordingWriter(file, Math.min(MAX_PENDING_BYTES, maxBytes), logPrefix);
        if (candidates.isEmpty()) {
            byte[] header = header(fields.apply(null));
            // The header always fits: the smallest cap leaves room for it and the last record.
            writer.offer(header);
            used = header.length;
        } else {
            deferredFields = fields;
            early = new ArrayList<>();
            for (ServiceDescriptor<?> d : candidates) {
                reservedHeader = Math.max(reservedHeader, header(fields.apply(d)).length);
            }
            reservedHeader = Math.max(reservedHeader, header(fields.apply(null)).length);
            used = reservedHeader;
        }
    }

    private byte[] header(Map<String, String> fields) {
        Map<String, String> f = new LinkedHashMap<>(fields);
        f.put(RecordingFormat.CREDENTIALS, credentials);
        return RecordingFormat.header(side, startMillis, f);
    }

    /**
     * The service the connection's request named ({@code null}: none), so the header can name it; for
     * a recorder of a server with several services, before the answer to the request is written. Once
     * the header is written (or with a single service) it does nothing. Event loop.
     */
    public void service(ServiceDescriptor<?> service) {
        if (deferredFields != null) {
            writeHeader(service);
        }
    }

    /** Writes the deferred header, then the reads held for it. */
    private void writeHeader(ServiceDescriptor<?> service) {
        byte[] header = header(deferredFields.apply(service));
        deferredFields = null;
        List<byte[]> held = early;
        early = null;
        used += header.length - reservedHeader;
        // Fits the writer's budget: nothing was offered before, and the held reads leave room for the longest header.
        writer.offer(header);
        for (byte[] r : held) {
            writer.offer(r);
        }
    }

    /** A recorder of a client connection to {@code target}, writing the configured file. */
    public static Recorder client(RecordingConfig config, URI target, ServiceDescriptor<?> service, String logPrefix) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(RecordingFormat.TARGET, config.recordCredentials() ? target.toString() : HttpHeadRedactor.redactUri(target));
        fields.put(RecordingFormat.SERVICE, service.name());
        fields.put(RecordingFormat.FINGERPRINT, service.fingerprintHex());
        return new Recorder(config.path(), config.maxBytes(), config.recordCredentials(), RecordingFormat.SIDE_CLIENT, fields,
                size -> {}, logPrefix);
    }

    /**
     * A recorder of one server connection.
     *
     * @param recordCredentials whether to keep credentials in the HTTP heads in clear (else masked)
     * @param finished told the file's final size when the recording ends
     */
    static Recorder server(Path file, long maxBytes, boolean recordCredentials, long connectionId, String remote,
                           List<ServiceDescriptor<?>> services, LongConsumer finished, String logPrefix) {
        Function<ServiceDescriptor<?>, Map<String, String>> fields = service -> {
            Map<String, String> f = new LinkedHashMap<>();
            f.put(RecordingFormat.TARGET, remote);
            if (service != null) {
                f.put(RecordingFormat.SERVICE, service.name());
                f.put(RecordingFormat.FINGERPRINT, service.fingerprintHex());
            }
            f.put(RecordingFormat.CONNECTION, Long.toString(connectionId));
            return f;
        };
        if (services.size() == 1) {
            ServiceDescriptor<?> only = services.get(0);
            return new Recorder(file, maxBytes, recordCredentials, RecordingFormat.SIDE_SERVER, fields.apply(only), finished,
                    logPrefix);
        }
        return new Recorder(file, maxBytes, recordCredentials, RecordingFormat.SIDE_SERVER, services, fields, finished, logPrefix);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf b) {
            record(RecordingFormat.READ, b);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof ByteBuf b) {
            record(RecordingFormat.WRITE, b);
        } else if (msg instanceof ByteBufHolder h) {
            record(RecordingFormat.WRITE, h.content());
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        finish(RecordingFormat.END, "");
        ctx.fireChannelInactive();
    }

    /** Also when the channel never became active (a failed connect): the file must be closed either way. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        finish(RecordingFormat.END, "");
    }

    private void record(int kind, ByteBuf b) {
        if (stopped || !b.isReadable()) {
            return;
        }
        if (writer.failed()) {
            finish(RecordingFormat.END, ""); // the writer has given up and logged why: stop copying
            return;
        }
        long size = RecordingFormat.RECORD_OVERHEAD + (long) b.readableBytes();
        if (used + size > maxBytes - LAST_RECORD_ROOM) {
            finish(RecordingFormat.TRUNCATED, "the recording reached its cap of " + maxBytes + " bytes");
            return;
        }
        byte[] record = RecordingFormat.record(kind, now(), b);
        if (request != null && !redact(kind, record)) {
            return;
        }
        if (deferredFields != null && kind == RecordingFormat.WRITE) {
            writeHeader(null); // answered before a service was named: the header names none
        }
        if (deferredFields != null) {
            if (earlyBytes + record.length > writer.budget() - reservedHeader) {
                finish(RecordingFormat.TRUNCATED, "over " + (writer.budget() - reservedHeader)
                        + " bytes arrived before the request named its service");
                return;
            }
            early.add(record);
            earlyBytes += record.length;
            used += size;
            return;
        }
        if (!writer.offer(record)) {
            finish(RecordingFormat.TRUNCATED, "the disk did not keep up: over " + writer.budget() + " bytes were waiting to be written");
            return;
        }
        used += size;
    }

    /**
     * Masks the credentials in the record's payload while its direction is in its HTTP head; false
     * (and the recording stopped) if the head is too long to examine.
     */
    private boolean redact(int kind, byte[] record) {
        HttpHeadRedactor head = kind == requestKind ? request : response;
        if (head.redact(record, RecordingFormat.RECORD_OVERHEAD, record.length) == HttpHeadRedactor.Result.TOO_LONG) {
            finish(RecordingFormat.TRUNCATED, "the HTTP " + (head == request ? "request" : "response") + " head did not end within "
                    + HttpHeadRedactor.MAX_HEAD + " bytes: not recorded, it could hold credentials that were not masked");
            return false;
        }
        return true;
    }

    private void finish(int kind, String reason) {
        if (stopped) {
            return;
        }
        stopped = true;
        if (deferredFields != null) {
            writeHeader(null);
        }
        byte[] last = RecordingFormat.record(kind, now(), RecordingFormat.cut(reason, RecordingFormat.MAX_REASON_BYTES));
        finished.accept(used + last.length); // before the file can be seen complete
        writer.finish(last);
    }

    private long now() {
        return System.nanoTime() - startNanos;
    }

    @Override
    public String toString() {
        return "Recorder[" + used + " of " + maxBytes + " bytes" + (stopped ? ", stopped" : "") + "]";
    }
}
