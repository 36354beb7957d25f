package dev.hardlight.netty.internal;

import dev.hardlight.Status;
import dev.hardlight.internal.protocol.FrameType;
import dev.hardlight.internal.protocol.Frames;
import dev.hardlight.internal.protocol.MetadataCodec;
import dev.hardlight.internal.protocol.ProtocolViolation;
import dev.hardlight.netty.RpcObserver;
import dev.hardlight.netty.SlowConsumerPolicy;
import dev.hardlight.service.MethodDescriptor;
import dev.hardlight.service.ServiceDescriptor;
import io.netty.buffer.ByteBuf;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells an {@link RpcObserver} what one connection does, by peeking at the frames it sends and
 * receives (never moving their reader index). Exists only when an observer is set. Call ids index the
 * per-call slots: a server's calls arrive as CALL frames and complete with the answer it sends; a
 * client's start with the CALL frame it sends and complete with the answer it receives, or with
 * UNAVAILABLE when the connection closes first. Thread-safe (a lock per connection: observed
 * connections only).
 */
public final class ObserverTap {
    private static final Logger log = LoggerFactory.getLogger(ObserverTap.class);

    private final RpcObserver observer;
    private final String service;
    private final List<MethodDescriptor<?>> methods;
    private final boolean server;
    private final long[] started;
    private final int[] method;
    private final Object[] context;
    private boolean closed;

    /**
     * @param server whether this is a server's connection (calls arrive) or a client's (calls leave)
     * @param maxInFlight the largest call id + 1 this side accepts or uses
     */
    public ObserverTap(RpcObserver observer, ServiceDescriptor<?> service, boolean server, int maxInFlight) {
        this.observer = observer;
        this.service = service.name();
        this.methods = service.methods();
        this.server = server;
        this.started = new long[maxInFlight];
        this.method = new int[maxInFlight];
        this.context = new Object[maxInFlight];
        try {
            observer.connectionOpened();
        } catch (RuntimeException e) {
            log.warn("observer failed on connectionOpened", e);
        }
    }

    /** A message arrived; called before the session reads it. */
    public void inbound(ByteBuf msg) {
        try {
            observer.bytesReceived(msg.readableBytes());
            frame(msg, true);
        } catch (RuntimeException e) {
            log.warn("observer failed on an inbound message", e);
        }
    }

    /** A message is sent (queued to the channel). */
    public void outbound(ByteBuf msg) {
        try {
            observer.bytesSent(msg.readableBytes());
            frame(msg, false);
        } catch (RuntimeException e) {
            log.warn("observer failed on an outbound message", e);
        }
    }

    /** An event was not queued because of the slow-consumer policy. */
    public void eventDropped(SlowConsumerPolicy policy) {
        try {
            observer.eventDropped(policy);
        } catch (RuntimeException e) {
            log.warn("observer failed on eventDropped", e);
        }
    }

    private void frame(ByteBuf msg, boolean in) {
        if (!msg.isReadable()) {
            return;
        }
        int at = msg.readerIndex();
        int type = msg.getUnsignedByte(at);
        boolean callsArrive = server == in;
        switch (type) {
            case FrameType.BATCH -> {
                // Each inner frame counts as if it had come alone; a malformed batch closes the
                // connection (the session says why), so it is simply not observed.
                ByteBuf batch = msg.duplicate();
                batch.skipBytes(1);
                try {
                    Frames.forEachInBatch(batch, inner -> frame(inner, in));
                } catch (ProtocolViolation e) {
                    // not observed
                }
            }
            case FrameType.CALL, FrameType.CALL_META -> {
                if (callsArrive) {
                    long header = Frames.readCallHeader(msg.duplicate().skipBytes(1));
                    start(Frames.callId(header), Frames.methodId(header));
                }
            }
            case FrameType.RESULT, FrameType.ERROR, FrameType.RESULT_META, FrameType.ERROR_META -> {
                if (!callsArrive) {
                    ByteBuf d = msg.duplicate().skipBytes(1);
                    int callId = Frames.readAnswerHeader(d);
                    Status status;
                    if (type == FrameType.RESULT || type == FrameType.RESULT_META) {
                        status = Status.OK;
                    } else {
                        if (type == FrameType.ERROR_META) {
                            MetadataCodec.read(d); // to reach the status
                        }
                        status = Frames.readErrorRest(d, callId).status();
                    }
                    complete(callId, status);
                }
            }
            case FrameType.EVENT, FrameType.EVENT_META -> {
                if (in) {
                    observer.eventReceived();
                } else {
                    observer.eventSent();
                }
            }
            default -> {
                // state deltas, features, hello, go-away, cancels: bytes only
            }
        }
    }

    private void start(int callId, int methodId) {
        if (callId < 0 || callId >= started.length || methodId < 0 || methodId >= methods.size()) {
            return; // the session refuses it (or answers UNIMPLEMENTED, observed as a call of no method)
        }
        Object ctx = observer.callStarted(service, methods.get(methodId).name());
        synchronized (this) {
            if (!closed) {
                started[callId] = System.nanoTime() | 1; // never 0: 0 marks a free slot
                method[callId] = methodId;
                context[callId] = ctx;
                return;
            }
        }
        observer.callCompleted(ctx, service, methods.get(methodId).name(), Status.UNAVAILABLE, 0);
    }

    private void complete(int callId, Status status) {
        long t0;
        int m;
        Object ctx;
        synchronized (this) {
            if (callId < 0 || callId >= started.length || started[callId] == 0) {
                return;
            }
            t0 = started[callId];
            m = method[callId];
            ctx = context[callId];
            started[callId] = 0;
            context[callId] = null;
        }
        observer.callCompleted(ctx, service, methods.get(m).name(), status, System.nanoTime() - t0);
    }

    /** The connection closed: calls still open complete with UNAVAILABLE. Once. */
    public void closed() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            for (int i = 0; i < started.length; i++) {
                complete(i, Status.UNAVAILABLE);
            }
            observer.connectionClosed();
        } catch (RuntimeException e) {
            log.warn("observer failed on connectionClosed", e);
        }
    }
}
