package dev.hardlight.hypercore;

/**
 * What a {@link Protocol} reports, in order, through {@link Protocol#poll()}. Channels are named by the
 * core's 32-byte discovery key (what the peers announce; the key itself never crosses the wire). Arrays are
 * fresh copies owned by the receiver.
 */
public sealed interface Event {
    /** The secure channel is up: the remote's static Ed25519 public key and the 64-byte handshake hash. */
    record Handshake(byte[] remotePublicKey, byte[] handshakeHash) implements Event {}

    /**
     * The remote opened a channel for a core we have not opened. If we know the key, {@link Protocol#open} it
     * to pair; otherwise {@link Protocol#reject} it (messages for it are buffered, within a bound, until then).
     */
    record DiscoveryKey(byte[] discoveryKey) implements Event {}

    /** Both sides opened the channel and the remote's capability proved it knows the key. */
    record ChannelOpened(byte[] key, byte[] discoveryKey) implements Event {}

    /** A message on an open channel (extension messages included). */
    record Received(byte[] discoveryKey, Message message) implements Event {}

    /**
     * A channel ended: {@code byRemote} if the remote closed or rejected it; {@code error} says why when it
     * failed (a wrong capability, a malformed message), null for an orderly close.
     */
    record ChannelClosed(byte[] discoveryKey, boolean byRemote, String error) implements Event {}

    /** The connection ended; {@code error} is null for an orderly close, else the one-sentence reason. Always the last event. */
    record Closed(String error) implements Event {}
}
