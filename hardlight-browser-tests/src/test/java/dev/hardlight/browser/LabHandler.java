package dev.hardlight.browser;

import dev.hardlight.Connection;
import dev.hardlight.EventEmitter;
import dev.hardlight.SyncedState;
import dev.hardlight.Topic;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** One per connection; shares its server's {@link Backend}. */
final class LabHandler implements Lab {
    /** What the handlers of one server share with the test. Thread-safe. */
    static final class Backend {
        /** Values {@link Lab#next()} hands out, queued by the test. */
        final BlockingQueue<AllTypes> outgoing = new LinkedBlockingQueue<>();
        /** Values {@link Lab#submit} received. */
        final BlockingQueue<AllTypes> submitted = new LinkedBlockingQueue<>();
        final AtomicInteger interrupted = new AtomicInteger();
        final AtomicLong seq = new AtomicLong();
    }

    private final Connection connection;
    private final Backend backend;
    private final SyncedState<LabState> state;
    private final EventEmitter<LabEvent> events;

    LabHandler(Connection connection, Backend backend) {
        this.connection = connection;
        this.backend = backend;
        this.state = connection.state(LabState.class);
        this.events = connection.events(LabEvent.class);
    }

    @Override
    public int add(int a, int b) {
        return a + b;
    }

    @Override
    public String greet(String name) {
        return "hello, " + name;
    }

    @Override
    public AllTypes echo(AllTypes value) {
        return value;
    }

    @Override
    public AllTypes next() throws InterruptedException {
        AllTypes v = backend.outgoing.poll(10, TimeUnit.SECONDS);
        if (v == null) {
            throw new IllegalStateException("the test queued no value within 10 s");
        }
        return v;
    }

    @Override
    public void submit(AllTypes value) {
        backend.submitted.add(value);
    }

    @Override
    public int hold(int token, int millis) throws InterruptedException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            backend.interrupted.incrementAndGet();
            throw e;
        }
        return token;
    }

    @Override
    public int interrupted() {
        return backend.interrupted.get();
    }

    @Override
    public void fail(String message) throws LabException {
        throw new LabException(message);
    }

    @Override
    public String login(String user) {
        state.update(s -> new LabState(user, s.counter()));
        connection.features().enable("member");
        return user;
    }

    @Override
    public String secret() {
        return "for members of " + state.get().user();
    }

    @Override
    public int bump(int by) {
        return state.update(s -> new LabState(s.user(), s.counter() + by)).counter();
    }

    @Override
    public void join(String room) {
        connection.subscriptions().add(Topic.of(room));
        events.emit(Topic.of(room), new LabEvent.Joined(room, state.get().user()));
    }

    @Override
    public void say(String room, String text) {
        events.emit(Topic.of(room), new LabEvent.Said(room, text, backend.seq.incrementAndGet()));
    }

    @Override
    public long pid() {
        return ProcessHandle.current().pid();
    }
}
