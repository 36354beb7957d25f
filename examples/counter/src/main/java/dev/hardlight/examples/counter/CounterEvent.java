package dev.hardlight.examples.counter;

/** The events of the counter service, as in the reference example: typed, one record per kind. */
public sealed interface CounterEvent permits CounterEvent.Incremented, CounterEvent.Decremented, CounterEvent.ServerSentTest {
    /** The counter went from {@code from} up to {@code to}. */
    record Incremented(int to, int from) implements CounterEvent {}

    /** The counter went from {@code from} down to {@code to}. */
    record Decremented(int to, int from) implements CounterEvent {}

    /** Sent by the server's topic notifier when a counter's topic gets its first subscriber. */
    record ServerSentTest() implements CounterEvent {}
}
