package dev.hardlight.service;

import java.util.Objects;
import java.util.function.Function;

/**
 * A checked exception type a method declares: the server sends its index and message, the client
 * rebuilds it with {@code factory}.
 *
 * @param type the exception class
 * @param factory makes an instance from the message (the generated code passes {@code Type::new})
 */
public record DeclaredError(Class<? extends Exception> type, Function<String, ? extends Exception> factory) {
    public DeclaredError {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(factory, "factory");
    }
}
