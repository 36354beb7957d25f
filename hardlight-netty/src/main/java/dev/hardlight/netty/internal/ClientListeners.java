package dev.hardlight.netty.internal;

import dev.hardlight.EventListener;
import dev.hardlight.StateListener;
import dev.hardlight.netty.ConnectionEvent;
import dev.hardlight.netty.ConnectionListener;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's listeners of a client that outlives its connections, and what they last saw: the
 * state and event listeners, which each new link feeds while it is the current one, and the
 * {@link ConnectionListener}, told of each step of the lifecycle, nothing after {@code Closed}.
 *
 * <p>Thread rule: thread-safe; the listener lists are copy-on-write, lifecycle events are told one at
 * a time under {@code emitLock}.
 */
final class ClientListeners {
    private static final Logger log = LoggerFactory.getLogger(ClientListeners.class);

    private final String target;
    private final ConnectionListener connectionListener; // null: none
    private final CopyOnWriteArrayList<StateListener<Object>> stateListeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<EventListener<Object>> eventListeners = new CopyOnWriteArrayList<>();
    private volatile Object lastState;
    private volatile Set<String> lastFeatures = Set.of();

    private final ReentrantLock emitLock = new ReentrantLock();
    /** Guarded by emitLock: once Closed was told, nothing more is. */
    private boolean closedEmitted;

    ClientListeners(String target, ConnectionListener connectionListener) {
        this.target = target;
        this.connectionListener = connectionListener;
    }

    /**
     * Feeds the listeners from a link that just became current: its state and events while
     * {@code link == current.get()}, and its first snapshot now if it differs from the last one seen.
     *
     * @param reconnected whether this link replaces an earlier one (the first gets no snapshot change)
     */
    void follow(NettyRpcChannel link, LinkSupervisor current, boolean reconnected) {
        link.addStateListener((before, after) -> {
            if (current.link() == link) {
                lastState = after;
                tellState(before, after);
            }
        });
        link.addEventListener(event -> {
            if (current.link() == link) {
                for (EventListener<Object> l : eventListeners) {
                    try {
                        l.onEvent(event);
                    } catch (RuntimeException e) {
                        log.warn("{}event listener failed", link.logPrefix(), e);
                    }
                }
            }
        });
        Object before = lastState;
        Object after = link.state();
        lastState = after;
        lastFeatures = link.features();
        if (reconnected && !Objects.equals(before, after)) {
            tellState(before, after); // the fresh snapshot
        }
    }

    /** Keeps the features of a link that is gone, for {@link #lastFeatures()}. */
    void linkGone(NettyRpcChannel link) {
        lastFeatures = link.features();
    }

    Object lastState() {
        return lastState;
    }

    Set<String> lastFeatures() {
        return Collections.unmodifiableSet(lastFeatures);
    }

    void addStateListener(StateListener<Object> listener) {
        stateListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void removeStateListener(StateListener<Object> listener) {
        stateListeners.remove(listener);
    }

    void addEventListener(EventListener<Object> listener) {
        eventListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void removeEventListener(EventListener<Object> listener) {
        eventListeners.remove(listener);
    }

    /** Tells the connection listener; nothing once {@code Closed} was told. */
    void emit(ConnectionEvent event) {
        if (connectionListener == null) {
            return;
        }
        emitLock.lock();
        try {
            if (closedEmitted) {
                return;
            }
            closedEmitted = event instanceof ConnectionEvent.Closed;
            connectionListener.connectionChanged(event);
        } catch (RuntimeException e) {
            log.warn("[hl-client {}] connection listener failed on {}", target, event, e);
        } finally {
            emitLock.unlock();
        }
    }

    private void tellState(Object before, Object after) {
        for (StateListener<Object> l : stateListeners) {
            try {
                l.stateChanged(before, after);
            } catch (RuntimeException e) {
                log.warn("[hl-client {}] state listener failed", target, e);
            }
        }
    }
}
