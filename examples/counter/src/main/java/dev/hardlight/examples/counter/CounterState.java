package dev.hardlight.examples.counter;

import dev.hardlight.ConnectionState;
import dev.hardlight.Topic;

/**
 * What each client sees of its connection, kept in sync by the server, as in the reference example:
 * the counter and the topic its events go to. Everything in it is visible to the client.
 */
@ConnectionState
public record CounterState(int counter, Topic topic) {}
