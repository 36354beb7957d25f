package dev.hardlight.internal.protocol;

import dev.hardlight.Nullable;
import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.service.ArgumentWriter;
import dev.hardlight.service.MethodDescriptor;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The callers of one {@link ClientSession} that wait for a free call slot: what a transport whose
 * callers block puts in front of {@link ClientSession#tryStart}, which never waits. A caller first tries
 * at once (as an unfair semaphore lets it); if every slot is taken it joins the queue, and the waiting
 * callers take the slots that free in arrival order. A waiting call never fails for lack of a slot; it
 * fails only when its deadline passes ({@link Status#DEADLINE_EXCEEDED}, nothing sent), when its thread is
 * interrupted ({@link Status#CANCELLED}), or for what the session says once a slot frees or it closes
 * (closed, going away).
 *
 * <p>The queue holds one entry per blocked thread, so it is as long as the number of threads calling
 * at once and no longer.
 *
 * <p>Thread-safe: {@link #start} from any thread; the session's slot listener runs on whichever thread
 * freed the slot and only signals.
 */
public final class SlotQueue {
    private final ClientSession session;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock: the callers waiting, first come first. */
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    /** Written under lock; read without it by the slot listener, so a freed slot costs no lock when nobody waits. */
    private volatile int waiters;

    /** Becomes {@code session}'s slot listener ({@link ClientSession#onSlotFree}); one queue per session. */
    public SlotQueue(ClientSession session) {
        this.session = session;
        session.onSlotFree(this::slotFreed);
    }

    /** The session whose slots this queue waits for. */
    public ClientSession session() {
        return session;
    }

    /**
     * Starts a call, waiting for a free slot first if every slot is taken: encodes the CALL frame and sends
     * it. The deadline counts from now, the wait included; see {@link ClientSession#tryStart}.
     *
     * @param deadline the call's deadline, or {@code null} for the session's default
     * @throws RpcException {@code DEADLINE_EXCEEDED} if the deadline passes before a slot is free;
     *     {@code CANCELLED} if the thread is interrupted before or while it waits (nothing is sent then);
     *     and what {@link ClientSession#tryStart} throws
     */
    public ClientSession.PendingCall start(MethodDescriptor<?> method, ArgumentWriter args,
                                           @Nullable Duration deadline) {
        long startNanos = session.nanoTime();
        if (Thread.currentThread().isInterrupted()) {
            throw interrupted();
        }
        ClientSession.PendingCall call = session.tryStart(method, args, deadline, startNanos);
        return call != null ? call : await(method, args, deadline, startNanos);
    }

    /** How many callers wait now (for tests and diagnostics). */
    int waiting() {
        return waiters;
    }

    /** Waits in the queue until this caller is first and a slot is free. */
    private ClientSession.PendingCall await(MethodDescriptor<?> method, ArgumentWriter args, Duration deadline,
                                            long startNanos) {
        Duration d = deadline != null ? deadline : session.defaultDeadline();
        // The deadline counts on the session's clock; the wait itself is real time, as long as what is left.
        long waitUntil = d == null ? 0
                : System.nanoTime() + Math.max(0, Math.min(Long.MAX_VALUE / 2, session.remainingNanos(d, startNanos)));
        Waiter me = new Waiter(lock.newCondition());
        lock.lock();
        try {
            waiting.addLast(me);
            waiters = waiting.size();
            me.signalled = waiting.peekFirst() == me; // the first tries again at once: a slot may have freed since
        } finally {
            lock.unlock();
        }
        boolean started = false;
        try {
            while (true) {
                awaitSignal(me, method, d, waitUntil);
                ClientSession.PendingCall call = session.tryStart(method, args, deadline, startNanos);
                if (call != null) {
                    started = true;
                    return call;
                }
            }
        } finally {
            leave(me, started);
        }
    }

    /** Waits until {@code me} is signalled (first in line and a slot freed), then clears the signal. */
    private void awaitSignal(Waiter me, MethodDescriptor<?> method, Duration d, long waitUntil) {
        lock.lock();
        try {
            while (!me.signalled) {
                if (d == null) {
                    me.wakeUp.await();
                } else {
                    long left = waitUntil - System.nanoTime();
                    if (left <= 0) {
                        throw new RpcException(Status.DEADLINE_EXCEEDED, ClientSession.deadlineMessage(session.service(),
                                method, d) + " (no call slot became free; nothing was sent)");
                    }
                    me.wakeUp.awaitNanos(left);
                }
            }
            me.signalled = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes {@code me} out of the queue and passes the turn on: to the next caller if a slot is still
     * free, or if {@code me} failed (the session may have closed: the next one must find out too).
     */
    private void leave(Waiter me, boolean started) {
        lock.lock();
        try {
            waiting.remove(me);
            waiters = waiting.size();
            Waiter next = waiting.peekFirst();
            if (next != null && (!started || session.inFlight() < session.maxInFlight())) {
                next.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The session's slot listener: a slot freed (or the session closed), so the first caller in line tries. */
    private void slotFreed() {
        if (waiters == 0) {
            return;
        }
        lock.lock();
        try {
            Waiter first = waiting.peekFirst();
            if (first != null) {
                first.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    private static RpcException interrupted() {
        return new RpcException(Status.CANCELLED, "interrupted while waiting for a free call slot");
    }

    /** One waiting caller; {@code signalled} is guarded by the queue's lock. */
    private static final class Waiter {
        final Condition wakeUp;
        boolean signalled;

        Waiter(Condition wakeUp) {
            this.wakeUp = wakeUp;
        }

        void signal() {
            signalled = true;
            wakeUp.signal();
        }
    }
}
