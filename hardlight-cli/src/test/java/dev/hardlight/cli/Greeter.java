package dev.hardlight.cli;

import dev.hardlight.Rpc;

/** The contract of the recordings the tests make. */
@Rpc
public interface Greeter {
    String greet(String name);
}
