package dev.hardlight.browser;

import dev.hardlight.ConnectionState;

/** The connection state of {@link Lab}: who logged in, and a counter. */
@ConnectionState
public record LabState(String user, int counter) {}
