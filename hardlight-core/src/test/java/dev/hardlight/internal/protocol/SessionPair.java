package dev.hardlight.internal.protocol;

import dev.hardlight.service.ArgumentWriter;
import dev.hardlight.service.MethodDescriptor;
import dev.hardlight.service.ServiceDescriptor;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * A client session and a server session joined in memory, driven by the test on one thread: frames
 * wait in {@link MemoryPipe}s until the test delivers them, handler runs wait in a queue until the test
 * runs them, and time is a {@link ManualTimer}. Nothing runs on another thread, so a test written with
 * it is deterministic. Replaces building the two sessions, their pipes and the handshake by hand.
 *
 * <p>Thread rule: one thread (the test's); only a pair made with an executor of handlers runs them elsewhere.
 */
final class SessionPair<S> {
    final MemoryPipe toServer = new MemoryPipe();
    final MemoryPipe toClient = new MemoryPipe();
    final ManualTimer timer = new ManualTimer();
    /** Handler runs the server session started and the test has not run yet. */
    final Queue<Runnable> handlerRuns = new ArrayDeque<>();
    final ServerSession<S> server;
    final ClientSession client;

    /**
     * @param openServer opens the server session (not started) on the outbound it is given
     * @param events the client's event queue, which outlives it; {@code null}: a queue of its own
     */
    private SessionPair(ServiceDescriptor<?> clientService, Function<SessionPair<S>, ServerSession<S>> openServer,
                        int clientMaxInFlight, Duration defaultDeadline, ClientEventQueue events) {
        server = openServer.apply(this);
        client = events == null
                ? new ClientSession(clientService, toServer, clientMaxInFlight, ClientSession.DEFAULT_EVENT_QUEUE, timer,
                        defaultDeadline, "[client] ")
                : new ClientSession(clientService, toServer, clientMaxInFlight, events, timer, defaultDeadline, "[client] ");
    }

    /** A pair whose handshake is done: the server's hello was delivered, the client is ready for calls. */
    static <S> SessionPair<S> connected(ServiceDescriptor<S> service, S handler) {
        return connected(service, handler, InFlight.DEFAULT, null);
    }

    /** {@link #connected(ServiceDescriptor, Object)} with the server's in-flight limit and the client's default deadline. */
    static <S> SessionPair<S> connected(ServiceDescriptor<S> service, S handler, int serverMaxInFlight,
                                        Duration defaultDeadline) {
        return connected(service, handler, serverMaxInFlight, defaultDeadline, null);
    }

    /**
     * {@link #connected(ServiceDescriptor, Object, int, Duration)} whose handlers run at once, inside the
     * server's {@code onMessage} on the test's thread (their answers are queued before it returns), for
     * tests that deliver frames one by one and never need a handler run to wait.
     */
    static <S> SessionPair<S> connectedInline(ServiceDescriptor<S> service, S handler, int serverMaxInFlight,
                                              Duration defaultDeadline) {
        return connected(service, handler, serverMaxInFlight, defaultDeadline, Runnable::run);
    }

    /**
     * {@link #connected(ServiceDescriptor, Object, int, Duration)} whose handlers run on {@code handlers},
     * for the few tests about a handler's own thread (a handler that blocks, or ignores an interrupt);
     * the sessions and the frames still move only when the test moves them.
     */
    static <S> SessionPair<S> connectedOn(ServiceDescriptor<S> service, S handler, int serverMaxInFlight, Executor handlers) {
        return connected(service, handler, serverMaxInFlight, null, handlers);
    }

    /**
     * A pair whose server session the test opens itself, on the outbound it is given, with everything a
     * server sets before its hello (a handler factory and admission, executors, interceptors): the pair
     * starts it and delivers the hello. Handlers the session runs on {@code pair::runLater} wait in
     * {@link #handlerRuns}.
     */
    static <S> SessionPair<S> withServer(ServiceDescriptor<S> service, Function<SessionPair<S>, ServerSession<S>> openServer) {
        return handshake(new SessionPair<>(service, openServer, InFlight.DEFAULT, null, null));
    }

    /**
     * {@link #withServer(ServiceDescriptor, Function)} whose client delivers its events to {@code events},
     * a queue that outlives the session (a reconnecting client's, or one of a chosen capacity).
     */
    static <S> SessionPair<S> withServer(ServiceDescriptor<S> service, Function<SessionPair<S>, ServerSession<S>> openServer,
                                         ClientEventQueue events) {
        return handshake(new SessionPair<>(service, openServer, InFlight.DEFAULT, null, events));
    }

    /** Queues a handler run for the test (an executor for the sessions a test opens itself). */
    void runLater(Runnable run) {
        handlerRuns.add(run);
    }

    private static <S> SessionPair<S> connected(ServiceDescriptor<S> service, S handler, int serverMaxInFlight,
                                                Duration defaultDeadline, Executor handlers) {
        return handshake(new SessionPair<>(service, pair -> new ServerSession<>(service, handler, pair.toClient,
                handlers != null ? handlers : pair::runLater, serverMaxInFlight, 1 << 20, "[server] "),
                InFlight.DEFAULT, defaultDeadline, null));
    }

    private static <S> SessionPair<S> handshake(SessionPair<S> pair) {
        pair.server.start();
        pair.toClientOne();
        if (!pair.client.ready().isDone()) {
            throw new AssertionError("the client is not ready after the server's hello");
        }
        return pair;
    }

    /**
     * Starts a call on {@code client}, which must have a free slot (a test that fills the slots calls
     * {@link ClientSession#tryStart} itself, or waits through a {@link SlotQueue}).
     */
    static ClientSession.PendingCall start(ClientSession client, MethodDescriptor<?> method, ArgumentWriter args) {
        return start(client, method, args, null);
    }

    /** {@link #start(ClientSession, MethodDescriptor, ArgumentWriter)} with a deadline. */
    static ClientSession.PendingCall start(ClientSession client, MethodDescriptor<?> method, ArgumentWriter args,
                                           Duration deadline) {
        ClientSession.PendingCall call = client.tryStart(method, args, deadline);
        if (call == null) {
            throw new AssertionError("no free call slot for " + method.name() + " (" + client.inFlight() + " in flight)");
        }
        return call;
    }

    /** Starts a call on this pair's client, which must have a free slot. */
    ClientSession.PendingCall start(MethodDescriptor<?> method, ArgumentWriter args) {
        return start(client, method, args, null);
    }

    /** Delivers the next frame the client sent to the server; false when there is none. */
    boolean toServerOne() {
        byte[] frame = toServer.frames.poll();
        if (frame == null) {
            return false;
        }
        server.onMessage(Unpooled.wrappedBuffer(frame));
        return true;
    }

    /** Delivers the next frame the server sent to the client; false when there is none. */
    boolean toClientOne() {
        byte[] frame = toClient.frames.poll();
        if (frame == null) {
            return false;
        }
        client.onMessage(Unpooled.wrappedBuffer(frame));
        return true;
    }

    /** Runs the oldest handler run waiting; false when there is none. */
    boolean runHandlerOne() {
        Runnable run = handlerRuns.poll();
        if (run == null) {
            return false;
        }
        run.run();
        return true;
    }

    /**
     * Delivers every frame both ways and runs every handler run, until nothing is left; returns how
     * many steps it took. Time does not pass.
     */
    int settle() {
        int steps = 0;
        while (toServerOne() || runHandlerOne() || toClientOne()) {
            steps++;
        }
        return steps;
    }
}
