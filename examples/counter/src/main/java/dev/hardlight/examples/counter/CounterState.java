package dev.hardlight.examples.counter;

import dev.hardlight.ConnectionState;

/**
 * What each client sees of its connection, kept in sync by the server: the counter lives here, as in
 * the reference README. Everything in it is visible to the client.
 */
@ConnectionState
public record CounterState(int counter) {}
