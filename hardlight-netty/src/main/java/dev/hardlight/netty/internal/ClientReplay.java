package dev.hardlight.netty.internal;

import dev.hardlight.Event;
import dev.hardlight.Metadata;
import dev.hardlight.internal.protocol.ClientSession;
import dev.hardlight.internal.protocol.Frame;
import dev.hardlight.internal.protocol.Frames;
import dev.hardlight.internal.protocol.Hello;
import dev.hardlight.internal.protocol.InFlight;
import dev.hardlight.internal.protocol.Outbound;
import dev.hardlight.internal.protocol.ProtocolViolation;
import dev.hardlight.internal.protocol.Timer;
import dev.hardlight.netty.Recording;
import dev.hardlight.service.MethodDescriptor;
import dev.hardlight.service.ServiceDescriptor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A recording's HardLight frames replayed through a fresh {@link ClientSession}, on the calling thread
 * and with no I/O: each frame the server sent is handed to the session as the live client received it,
 * and each call the client sent is made again on the session, in the same order, where it must encode to
 * the very bytes that were recorded (else the replay has diverged and stops with an
 * {@link IllegalStateException}); a recorded CANCEL cancels the call again. The session then holds
 * what the live client held: the calls' results and errors, the connection state, the events, the
 * features, the server's GO_AWAY.
 *
 * <p>Time is the recording's: the session's clock reads the time of the frame being replayed and its
 * timer runs a task once the replay passes the task's time, so nothing waits. A call's deadline is not
 * on the wire: a call that timed out live shows as cancelled here (its recorded CANCEL).
 *
 * <p>Not thread-safe: one thread, the caller's.
 */
public final class ClientReplay {
    private final ServiceDescriptor<?> service;
    private final ReplayClock clock = new ReplayClock();
    private final Sent sent = new Sent();
    private final ClientSession session;
    private final List<ClientSession.PendingCall> calls = new ArrayList<>();
    private final Map<Integer, ClientSession.PendingCall> byId = new HashMap<>();
    private final List<Event<Object>> events = new ArrayList<>();
    /** The server's method ids by name, from its recorded HELLO. */
    private final Map<Integer, MethodDescriptor<?>> methodsByServerId = new HashMap<>();
    private ProtocolViolation violation;
    private int replayed;

    private ClientReplay(ServiceDescriptor<?> service) {
        this.service = service;
        this.session = new ClientSession(service, sent, InFlight.MAX, ClientSession.DEFAULT_EVENT_QUEUE, clock, null,
                "[replay] ");
        session.addEventListener(events::add);
    }

    /**
     * Replays {@code frames} ({@link Recording#decode()}, from a recording by either side) into a fresh
     * client session of {@code service}.
     *
     * @throws IllegalStateException if the replay diverges from the recording: a call made again encodes
     *     to other bytes than the recorded CALL, or takes another call id, or a frame cannot be replayed
     *     (a MALFORMED one, a CANCEL of no call)
     */
    public static ClientReplay replay(ServiceDescriptor<?> service, List<Recording.Frame> frames) {
        ClientReplay r = new ClientReplay(service);
        for (Recording.Frame f : frames) {
            if (r.violation != null) {
                break; // the live client closed the connection here
            }
            r.replay(f);
        }
        return r;
    }

    private void replay(Recording.Frame f) {
        clock.advanceTo(f.timeNanos());
        byte[] message = f.message();
        switch (f.type()) {
            case "HTTP", "HTTP_BODY", "WS_CLOSE", "WS_PING", "WS_PONG", "WS_TEXT" -> {
                return; // the transport's, not the protocol's
            }
            case "MALFORMED" -> throw diverged(f, "the recording has malformed bytes here: " + f.summary());
            default -> { }
        }
        replayed++;
        if (f.sender() == Recording.Side.SERVER) {
            if (f.type().equals("HELLO")) {
                mapMethods(message);
            }
            try {
                session.onMessage(Unpooled.wrappedBuffer(message));
            } catch (ProtocolViolation v) {
                violation = v;
            }
            return;
        }
        Frame frame = Frame.decode(Unpooled.wrappedBuffer(message));
        switch (frame) {
            case Frame.Call c -> call(f, c.callId(), c.methodId(), Metadata.empty(), c.arguments(), message);
            case Frame.CallMeta c -> call(f, c.callId(), c.methodId(), c.metadata(), c.arguments(), message);
            case Frame.Cancel c -> {
                ClientSession.PendingCall call = byId.get(c.callId());
                if (call == null) {
                    throw diverged(f, "a CANCEL of call " + c.callId() + ", which this replay never made");
                }
                call.cancel(true);
                expectSent(f, message, "the CANCEL");
            }
            default -> throw diverged(f, "the client sent " + f.type() + ", which a client does not send");
        }
    }

    private void call(Recording.Frame f, int callId, int serverMethodId, Metadata metadata, byte[] arguments,
                      byte[] message) {
        MethodDescriptor<?> method = methodsByServerId.get(serverMethodId);
        if (method == null) {
            throw diverged(f, "a call of method id " + serverMethodId + ", which the server's HELLO does not map to a method of "
                    + service.name());
        }
        ClientSession.PendingCall call;
        try (Metadata.Scope s = metadata.attach()) {
            call = session.tryStart(method, w -> w.writeRaw(arguments, 0, arguments.length), null);
        }
        if (call == null) {
            throw diverged(f, "no free call slot for " + method.name());
        }
        expectSent(f, message, "the call of " + method.name());
        calls.add(call);
        byId.put(callId, call);
    }

    private void expectSent(Recording.Frame f, byte[] recorded, String what) {
        byte[] made = sent.frames.poll();
        if (made == null || !Arrays.equals(made, recorded)) {
            throw diverged(f, what + " made again is " + (made == null ? "not sent" : ByteBufUtil.hexDump(made))
                    + ", the recording has " + ByteBufUtil.hexDump(recorded));
        }
    }

    private void mapMethods(byte[] helloMessage) {
        Hello hello = Frames.readHello(Unpooled.wrappedBuffer(helloMessage));
        Map<String, MethodDescriptor<?>> local = new HashMap<>();
        for (MethodDescriptor<?> m : service.methods()) {
            local.put(m.name(), m);
        }
        for (Hello.MethodEntry e : hello.methods()) {
            MethodDescriptor<?> m = local.get(e.name());
            if (m != null) {
                methodsByServerId.put(e.id(), m);
            }
        }
    }

    private IllegalStateException diverged(Recording.Frame f, String why) {
        return new IllegalStateException("the replay diverged from the recording at " + f + ": " + why);
    }

    /** The session the frames were replayed into (its state, features, GO_AWAY reason). */
    public ClientSession session() {
        return session;
    }

    /** The calls the client made, in the order it made them; each completed as it did live, or pending. */
    public List<ClientSession.PendingCall> calls() {
        return List.copyOf(calls);
    }

    /** The events the session delivered, in order. */
    public List<Event<Object>> events() {
        return List.copyOf(events);
    }

    /** Why the session refused a server frame (the live client closed the connection there), or {@code null}. */
    public ProtocolViolation violation() {
        return violation;
    }

    /** How many HardLight frames were replayed (both ways). */
    public int framesReplayed() {
        return replayed;
    }

    /** What the session sends: kept for comparison with the recorded frames. */
    private static final class Sent implements Outbound {
        final ArrayDeque<byte[]> frames = new ArrayDeque<>();

        @Override
        public ByteBufAllocator alloc() {
            return UnpooledByteBufAllocator.DEFAULT;
        }

        @Override
        public void send(ByteBuf frame) {
            try {
                frames.add(ByteBufUtil.getBytes(frame));
            } finally {
                frame.release();
            }
        }

        @Override
        public void close(int code, String reason) {
            // the live client's close is in the recording as a WS_CLOSE
        }
    }

    /** The recording's time: reads the replayed frame's time; runs a task once the replay passes its time. */
    private static final class ReplayClock implements Timer {
        private record Task(long due, Runnable task, boolean[] cancelled) {}

        private final List<Task> tasks = new ArrayList<>();
        private long now;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public Scheduled schedule(Runnable task, Duration delay) {
            boolean[] cancelled = {false};
            tasks.add(new Task(now + Math.max(0, NettyRpcChannel.saturatedNanos(delay)), task, cancelled));
            return () -> cancelled[0] = true;
        }

        void advanceTo(long time) {
            now = Math.max(now, time);
            tasks.sort(Comparator.comparingLong(Task::due));
            while (!tasks.isEmpty() && tasks.get(0).due() <= now) {
                Task t = tasks.remove(0);
                if (!t.cancelled()[0]) {
                    t.task().run();
                }
            }
        }
    }
}
