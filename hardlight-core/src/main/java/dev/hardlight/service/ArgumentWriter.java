package dev.hardlight.service;

import dev.hardlight.codec.WireWriter;

/** Writes a call's arguments, in declaration order. Generated clients pass a lambda. */
@FunctionalInterface
public interface ArgumentWriter {
    /** Writes nothing: for methods without parameters. */
    ArgumentWriter NONE = out -> {};

    void write(WireWriter out);
}
