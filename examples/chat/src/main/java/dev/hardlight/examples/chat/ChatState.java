package dev.hardlight.examples.chat;

import dev.hardlight.ConnectionState;
import java.util.List;

/** What each browser sees of its connection: who it signed in as ("" before) and the rooms it is in. */
@ConnectionState
public record ChatState(String user, List<String> rooms) {}
