package dev.hardlight.examples.cluster;

/** The lobby's events. */
public sealed interface LobbyEvent {
    /** {@code who} said {@code text} through the node {@code node}. */
    record Said(String who, String text, String node) implements LobbyEvent {}
}
