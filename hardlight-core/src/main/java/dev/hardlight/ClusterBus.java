package dev.hardlight;

import java.nio.ByteBuffer;

/**
 * Carries events between the nodes of one service (for example {@code dev.hardlight.nats.NatsCluster}):
 * the hook a server's topic registry plugs a cluster into. A server without one (the default) does no
 * cluster work at all on the emit path.
 *
 * <p>The server calls {@link #start} once, before it accepts connections, then {@link #publish} once
 * per emit that it encodes (from any thread, concurrently), and {@link #close} once when it closes.
 * The bus calls {@link Node#deliver} for each event another node published on a topic this node
 * subscribes to, from any thread; the node frames it once and shares the bytes among its local
 * subscribers.
 *
 * <p>Events from one emitter on one topic must be handed to {@link Node#deliver} on every other node
 * in the order they were published (calls for one topic not concurrent). {@link #publish} must never
 * block for long: a bus that cannot send drops and counts.
 */
public interface ClusterBus {
    /**
     * Attaches the bus to one server. Must not call {@code node} back before it returns.
     *
     * @param node what this server offers the bus
     * @param application the application's topic notifier, or {@code null}
     * @return the listener the server tells of its local topic changes ({@code Created} when a topic
     *     gains its first subscriber on this node, {@code Removed} when it loses its last here): the bus
     *     follows interest with it and tells {@code application} as it documents
     * @throws IllegalStateException if the bus cannot start (and is not configured to start degraded)
     */
    TopicListener start(Node node, TopicListener application);

    /**
     * Sends an event emitted on this node to the other nodes, once. {@code frame} is the EVENT frame
     * exactly as the server sends it to its connections ({@code 07 topicLength:varint topic payload});
     * its bytes are readable only during the call.
     */
    void publish(Topic topic, ByteBuffer frame);

    /** Stops the bus; bounded, idempotent. */
    void close();

    /** The server side of a bus: what one node offers it. Thread-safe. */
    interface Node {
        /** The service's name. */
        String service();

        /** The schema hash of the service's event type: nodes of one cluster must agree on it. */
        long eventContract();

        /**
         * Delivers an EVENT frame published by another node to this node's local subscribers of its
         * topic, sharing one buffer among them.
         *
         * @return the connections it was queued to, or -1 if the bytes are not one whole EVENT frame
         *     (nothing delivered)
         */
        int deliver(byte[] frame, int offset, int length);

        /** Whether this node has a local subscriber to {@code topic} now. */
        boolean hasSubscribers(Topic topic);
    }
}
